import { isUtf8 } from 'node:buffer';
import { MessageType, type Args, type Kwargs, type Payload, type WireMessage } from '../messages';
import type { Serializer } from '../serializer';
import { jsonSerializer } from './json';
import { NOT_SCANNED, scanValue, skipWhitespace } from './json-scan';

/**
 * Frames shorter than this are parsed whole, as usual: below it, scanning the head apart and
 * splicing bytes costs about what parsing and writing the payload again would.
 */
export const RAW_PAYLOAD_MIN_LENGTH = 1024;

/** Where Arguments sit in the messages a router forwards (their ArgumentsKw, if any, follow). */
export const PAYLOAD_INDEX: Partial<Record<number, number>> = {
  [MessageType.CALL]: 4,
  [MessageType.YIELD]: 3,
  [MessageType.PUBLISH]: 4,
  [MessageType.ERROR]: 5,
};

const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * The Arguments / ArgumentsKw of a frame as its bytes, checked (json-scan.ts for JSON, the data
 * model's walk for msgpack) and not decoded: a peer of the same serializer gets these bytes
 * spliced after the head of the message that forwards them (`spliceJsonFrame`,
 * `spliceMsgpackFrame`); whoever reads the values gets them decoded from the frame by its
 * serializer's `deserialize`, once, with its rules for bytes and big integers.
 */
export class RawPayload {
  private parsed: Payload | undefined;

  constructor(
    /** The whole frame: the values are parsed from it as the frame would have been. */
    private readonly frame: Uint8Array,
    /** Where Arguments sit in the frame's array. */
    private readonly index: number,
    /** The bytes from Arguments to the frame's end (JSON: `[...]` or `[...],{...}`, then the frame's `]`). */
    readonly bytes: Uint8Array,
    /** The frame's serializer. */
    readonly serializer: Serializer = jsonSerializer,
    /** Items the bytes hold: 1 (Arguments) or 2 (and ArgumentsKw). */
    readonly items = 1,
  ) {}

  /** The values, parsed once from the frame. */
  values(): Payload {
    if (this.parsed !== undefined) return this.parsed;
    const wire = this.serializer.deserialize(this.frame) as unknown[];
    this.parsed = { args: wire[this.index] as Args, kwargs: wire[this.index + 1] as Kwargs | undefined };
    return this.parsed;
  }
}

/** A frame read with its payload kept as bytes: the head's values, then the payload. */
export interface ForwardedFrame {
  /** The frame's array up to its Arguments (which are left out). */
  readonly head: WireMessage;
  readonly payload: RawPayload;
}

/**
 * Reads a JSON frame of a message the router forwards (CALL, YIELD, PUBLISH, ERROR) of at least
 * RAW_PAYLOAD_MIN_LENGTH bytes: its head parsed, its Arguments / ArgumentsKw checked by the scan
 * and kept as bytes. Undefined for any other frame, and for one whose bytes the scan does not
 * accept, or that the writer would not send as it is (empty Arguments or ArgumentsKw, leading
 * whitespace, a head that is not a plain array): the caller then parses the whole frame, whose
 * errors are the frame's errors.
 */
export function readForwardedFrame(frame: Uint8Array): ForwardedFrame | undefined {
  const end = frame.length;
  if (end < RAW_PAYLOAD_MIN_LENGTH || frame[0] !== OPEN_ARRAY || !isUtf8(frame)) return undefined;
  // The head: the code and the fields before Arguments, each a JSON value.
  let i = skipWhitespace(frame, 1, end);
  const codeEnd = scanValue(frame, i, end);
  if (codeEnd === NOT_SCANNED) return undefined;
  const index =
    PAYLOAD_INDEX[Number(Buffer.from(frame.buffer, frame.byteOffset + i, codeEnd - i).toString())];
  if (index === undefined) return undefined;
  i = codeEnd;
  for (let field = 1; field <= index; field++) {
    i = skipWhitespace(frame, i, end);
    if (frame[i] !== COMMA) return undefined;
    if (field === index) break;
    i = scanValue(frame, skipWhitespace(frame, i + 1, end), end);
    if (i === NOT_SCANNED) return undefined;
  }
  const headEnd = i; // the comma before Arguments
  // Arguments, a non-empty list; ArgumentsKw, a non-empty dictionary, if any; then the frame's end.
  const argsStart = skipWhitespace(frame, headEnd + 1, end);
  if (!opensNonEmpty(frame, argsStart, end, OPEN_ARRAY, CLOSE_ARRAY)) return undefined;
  i = scanValue(frame, argsStart, end);
  if (i === NOT_SCANNED) return undefined;
  i = skipWhitespace(frame, i, end);
  if (frame[i] === COMMA) {
    const kwargsStart = skipWhitespace(frame, i + 1, end);
    if (!opensNonEmpty(frame, kwargsStart, end, OPEN_OBJECT, CLOSE_OBJECT)) return undefined;
    i = scanValue(frame, kwargsStart, end);
    if (i === NOT_SCANNED) return undefined;
    i = skipWhitespace(frame, i, end);
  }
  if (frame[i] !== CLOSE_ARRAY || skipWhitespace(frame, i + 1, end) !== end) return undefined;
  const headText = `${Buffer.from(frame.buffer, frame.byteOffset, headEnd).toString()}]`;
  const head = jsonSerializer.deserialize(headText) as WireMessage;
  return { head, payload: new RawPayload(frame, index, frame.subarray(argsStart)) };
}

function opensNonEmpty(frame: Uint8Array, i: number, end: number, open: number, close: number): boolean {
  return frame[i] === open && frame[skipWhitespace(frame, i + 1, end)] !== close;
}

/**
 * A JSON frame in two pieces, its head's bytes and the payload's bytes as they came: a transport
 * that can write pieces (`Transport.sendSpliced`) writes both uncopied, any other gets them joined.
 */
export class SplicedFrame {
  private whole: Uint8Array | undefined;

  constructor(
    readonly head: Uint8Array,
    readonly rest: Uint8Array,
  ) {}

  get byteLength(): number {
    return this.head.byteLength + this.rest.byteLength;
  }

  /** The frame in one buffer (made once). */
  joined(): Uint8Array {
    this.whole ??= Buffer.concat([this.head, this.rest], this.byteLength);
    return this.whole;
  }
}

/**
 * The JSON frame of a message whose wire array is `head` (Arguments left out) and whose payload
 * is `payload`'s bytes: the head as the serializer writes it, its `]` replaced by `,`, then the
 * bytes, sent as they came (integers beyond 2^53 and `"\u0000"` + base64 bytes included).
 */
export function spliceJsonFrame(head: WireMessage, payload: RawPayload): SplicedFrame {
  const text = jsonSerializer.serialize(head) as string;
  return new SplicedFrame(Buffer.from(`${text.slice(0, -1)},`), payload.bytes);
}

/** A message that carries a raw payload: its head (without Arguments) and the payload. */
interface Carried {
  readonly head: object;
  readonly payload: RawPayload;
}

/** Keyed by the message object: a message built with other Arguments is written as usual. */
const carried = new WeakMap<object, Carried>();

/**
 * Gives `message` (a head: no Arguments / ArgumentsKw of its own) the payload `payload`: reading
 * its `args` or `kwargs` parses the payload (once); serializing it for a JSON peer splices the
 * bytes (`rawPayloadOf`). Returns `message`.
 */
export function withRawPayload<T extends Payload>(message: T, payload: RawPayload): T {
  const head = { ...message };
  Object.defineProperties(message, {
    args: { get: () => payload.values().args, enumerable: true, configurable: true },
    kwargs: { get: () => payload.values().kwargs, enumerable: true, configurable: true },
  });
  carried.set(message, { head, payload });
  return message;
}

/**
 * Gives `message` the Arguments / ArgumentsKw of `source`, the message it forwards: the raw
 * payload itself when `source` carries one (no values made), its values otherwise. Returns
 * `message`.
 */
export function carryPayload<T extends Payload>(message: T, source: Payload): T {
  const raw = carried.get(source);
  if (raw !== undefined) return withRawPayload(message, raw.payload);
  message.args = source.args;
  message.kwargs = source.kwargs;
  return message;
}

/** The head and raw payload of `message`, if it carries one (`withRawPayload`, `carryPayload`). */
export function rawPayloadOf(message: object): Carried | undefined {
  return carried.get(message);
}
