import {
  isInteger,
  isSafeNumber,
  parse as parseLossless,
  stringify as stringifyLossless,
} from 'lossless-json';
import { ProtocolError } from '../errors';
import { MessageType, type WireMessage } from '../messages';
import { SerializationError, type Frame, type Serializer } from '../serializer';

/** JSON has no bytes: binary values travel as a string of NUL followed by base64 (spec). */
const BINARY_PREFIX = '\u0000';
/** How a NUL character appears inside JSON text: a reviver is needed only if it occurs. */
const ESCAPED_NUL = '\\u0000';

const textDecoder = new TextDecoder('utf-8', { fatal: true });

function binaryReplacer(this: unknown, key: string, value: unknown): unknown {
  // Buffer.prototype.toJSON runs before the replacer, so look at the holder's own value.
  const original = (this as Record<string, unknown>)[key];
  if (original instanceof Uint8Array) return BINARY_PREFIX + Buffer.from(original).toString('base64');
  return value;
}

function binaryReviver(_key: string, value: unknown): unknown {
  if (typeof value === 'string' && value.charCodeAt(0) === 0) {
    return Buffer.from(value.slice(1), 'base64');
  }
  return value;
}

/** Nesting depth beyond which the scan gives up and the replacer runs anyway. */
const MAX_SCAN_DEPTH = 64;

/** What a value holds that plain `JSON.stringify` cannot write as WAMP wants. */
const PLAIN = 0;
const BINARY = 1;
const BIGINT = 2;

/**
 * Whether `value` may hold a Uint8Array (the replacer is needed) or a BigInt (the lossless
 * writer is). Past MAX_SCAN_DEPTH it answers "binary": the replacer is always correct, only
 * slower, and a cycle then ends in JSON.stringify's own error instead of a deep recursion here.
 */
function special(value: unknown, depth = 0): number {
  if (typeof value === 'bigint') return BIGINT;
  if (typeof value !== 'object' || value === null) return PLAIN;
  if (value instanceof Uint8Array) return BINARY;
  if (depth > MAX_SCAN_DEPTH) return BINARY;
  let found = PLAIN;
  if (Array.isArray(value)) {
    for (const item of value) found |= special(item, depth + 1);
    return found;
  }
  for (const key in value) found |= special((value as Record<string, unknown>)[key], depth + 1);
  return found;
}

/** Where JSON.parse may have rounded an integer literal: 2^53 and beyond. */
const ROUNDING_LIMIT = 2 ** 53;

const NO_RISK = 0;
const ROUNDED = 1;
const TOO_DEEP = 2;

/**
 * Whether a value JSON.parse gave holds a number at or beyond 2^53 (an integer literal there
 * may have been rounded, so the frame is read again by the lossless parser), or is nested
 * deeper than the walk goes. Walking the parsed value is cheaper than scanning the text for
 * long digit runs: WAMP's global ids (publications, subscriptions, registrations, sessions)
 * are drawn up to 2^53 and most have 16 digits, so nearly every EVENT and INVOCATION has one.
 */
function roundingRisk(value: object, depth: number): number {
  if (ArrayBuffer.isView(value)) return NO_RISK;
  if (depth > MAX_SCAN_DEPTH) return TOO_DEEP;
  // Numbers are looked at here, without a call per item: most items of a WAMP message are.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const risk = itemRisk(value[i], depth);
      if (risk !== NO_RISK) return risk;
    }
    return NO_RISK;
  }
  for (const key in value) {
    const risk = itemRisk((value as Record<string, unknown>)[key], depth);
    if (risk !== NO_RISK) return risk;
  }
  return NO_RISK;
}

function itemRisk(item: unknown, depth: number): number {
  if (typeof item === 'number') return item >= ROUNDING_LIMIT || item <= -ROUNDING_LIMIT ? ROUNDED : NO_RISK;
  if (typeof item === 'object' && item !== null) return roundingRisk(item, depth + 1);
  return NO_RISK;
}

/** Past the walk's depth: a run of 16 digits may be an integer beyond 2^53 (9007199254740993). */
const LONG_DIGITS = /\d{16}/;

const MAX_EXACT = 2n ** 53n;

/**
 * Integers beyond 2^53 become BigInt, exactly; every other number is a Number as usual (as
 * the binary serializers give them: WAMP ids reach 2^53 and stay Numbers).
 */
function parseNumber(text: string): number | bigint {
  if (isSafeNumber(text) || !isInteger(text)) return Number(text);
  const value = BigInt(text);
  return value > MAX_EXACT || value < -MAX_EXACT ? value : Number(text);
}

/** Bytes as WAMP's JSON writes them, copy-on-write, for the lossless writer (which has no holder-aware replacer). */
function encodeBinary(value: unknown): unknown {
  if (value instanceof Uint8Array) return BINARY_PREFIX + Buffer.from(value).toString('base64');
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const encoded = encodeBinary(item);
      if (encoded !== item) (copy ??= value.slice())[i] = encoded;
    });
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const encoded = encodeBinary(item);
    if (encoded !== item) (copy ??= { ...value })[key] = encoded;
  }
  return copy ?? value;
}

/**
 * Dicts sent unchanged in many messages (`shareJsonText`: a router session's caller disclosure,
 * the Details of every INVOCATION of its calls to a remote callee): their JSON text, written the
 * first time (null until then). JSON.stringify spends more on a dict of three keys, a 16-digit
 * session id among them, than on the rest of the INVOCATION.
 */
const sharedDicts = new WeakMap<object, string | null>();

/**
 * Marks `dict`, which must never change again (it is frozen here), as sent in many messages:
 * an INVOCATION whose Details it is gets its text written once. Returns `dict`.
 */
export function shareJsonText<T extends object>(dict: T): Readonly<T> {
  sharedDicts.set(Object.freeze(dict), null);
  return dict;
}

/** `[INVOCATION, Request, Registration, Details, Arguments?, ArgumentsKw?]` with Details' text given. */
function invocationText(message: WireMessage, details: string): string {
  let text = `[${MessageType.INVOCATION},${idText(message[1])},${idText(message[2])},${details}`;
  for (let i = 4; i < message.length; i++) text += `,${stringifyValue(message[i])}`;
  return `${text}]`;
}

/** An id as JSON writes it (a safe integer is its decimal digits). */
function idText(id: unknown): string {
  return Number.isSafeInteger(id) ? String(id) : stringifyValue(id);
}

function stringify(message: WireMessage): string {
  if (message[0] === MessageType.INVOCATION) {
    const details = message[3] as object;
    const shared = sharedDicts.get(details);
    if (shared !== undefined) {
      const text = shared ?? stringifyValue(details);
      if (shared === null) sharedDicts.set(details, text);
      return invocationText(message, text);
    }
  }
  return stringifyValue(message);
}

/** Any value as WAMP's JSON writes it: bytes as `"\u0000"` + base64, BigInt exactly. */
function stringifyValue(message: unknown): string {
  const found = special(message);
  if (found === PLAIN) return JSON.stringify(message);
  if ((found & BIGINT) === 0) return JSON.stringify(message, binaryReplacer);
  // BigInt: written as the exact integer it is (JSON numbers have no size limit).
  return stringifyLossless(encodeBinary(message)) as string;
}

/**
 * `wamp.2.json`: text frames; binary values as `"\u0000" + base64`; integers beyond 2^53
 * carried exactly, as BigInt both ways.
 */
export const jsonSerializer: Serializer = {
  name: 'json',
  subprotocol: 'wamp.2.json',
  rawSocketId: 1,
  binary: false,

  serialize(message: WireMessage): string {
    try {
      return stringify(message);
    } catch (err) {
      throw new SerializationError(`cannot serialize to JSON: ${(err as Error).message}`, { cause: err });
    }
  },

  deserialize(frame: Frame): unknown {
    if (Array.isArray(frame)) throw new ProtocolError('JSON frame expected, got an in-process message');
    let text: string;
    try {
      text = typeof frame === 'string' ? frame : textDecoder.decode(frame);
    } catch {
      throw new ProtocolError('invalid JSON frame: not UTF-8');
    }
    try {
      const reviver = text.includes(ESCAPED_NUL) ? binaryReviver : undefined;
      const parsed: unknown = reviver === undefined ? JSON.parse(text) : JSON.parse(text, reviver);
      const risk = itemRisk(parsed, -1);
      if (risk === NO_RISK || (risk === TOO_DEEP && !LONG_DIGITS.test(text))) return parsed;
      return parseLossless(text, reviver, parseNumber);
    } catch (err) {
      throw new ProtocolError(`invalid JSON frame: ${(err as Error).message}`);
    }
  },
};
