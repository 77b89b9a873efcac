import { ProtocolError } from '../errors';
import type { WireMessage } from '../messages';
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

/**
 * True when `value` may hold a Uint8Array, so the slower replacer is needed. Past
 * MAX_SCAN_DEPTH it answers true: the replacer is always correct, only slower, and a cycle
 * then ends in JSON.stringify's own error instead of a deep recursion here.
 */
function containsBinary(value: unknown, depth = 0): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (value instanceof Uint8Array) return true;
  if (depth > MAX_SCAN_DEPTH) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (containsBinary(item, depth + 1)) return true;
    return false;
  }
  for (const key in value) {
    if (containsBinary((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}

/** `wamp.2.json`: text frames; binary values as `"\u0000" + base64`. */
export const jsonSerializer: Serializer = {
  name: 'json',
  subprotocol: 'wamp.2.json',
  rawSocketId: 1,
  binary: false,

  serialize(message: WireMessage): string {
    try {
      return containsBinary(message) ? JSON.stringify(message, binaryReplacer) : JSON.stringify(message);
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
      return text.includes(ESCAPED_NUL) ? JSON.parse(text, binaryReviver) : JSON.parse(text);
    } catch (err) {
      throw new ProtocolError(`invalid JSON frame: ${(err as Error).message}`);
    }
  },
};
