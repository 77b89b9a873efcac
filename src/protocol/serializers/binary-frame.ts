import { ProtocolError } from '../errors';
import type { WireMessage } from '../messages';
import { SerializationError, type Frame, type Serializer, type Subprotocol } from '../serializer';

/** What distinguishes one binary serializer from another. */
export interface BinaryFormat {
  name: string;
  subprotocol: Subprotocol;
  rawSocketId: number;
  /** The library encoder; may throw on values the format cannot carry. */
  encode(message: WireMessage): Uint8Array;
  /** The library decoder of one whole document; may throw on invalid bytes. */
  decode(bytes: Buffer): unknown;
}

/** Longest library error text quoted in our errors; some quote the whole decoded value. */
const MAX_DETAIL = 200;

/**
 * A Serializer over a binary format that turns library failures into the contract's typed
 * errors: `SerializationError` on the way out, `ProtocolError` on the way in.
 */
export function binarySerializer(format: BinaryFormat): Serializer {
  const { name } = format;
  return {
    name,
    subprotocol: format.subprotocol,
    rawSocketId: format.rawSocketId,
    binary: true,

    serialize(message: WireMessage): Uint8Array {
      try {
        return format.encode(message);
      } catch (err) {
        throw new SerializationError(`cannot serialize to ${name}: ${detail(err)}`, { cause: err });
      }
    },

    deserialize(frame: Frame): unknown {
      const bytes = frameBytes(frame, name);
      if (bytes.length === 0) throw new ProtocolError(`invalid ${name} frame: empty`);
      try {
        return format.decode(bytes);
      } catch (err) {
        if (err instanceof ProtocolError) throw err;
        throw new ProtocolError(`invalid ${name} frame: ${detail(err)}`);
      }
    },
  };
}

/**
 * The bytes of a binary frame as a Buffer over the same memory (no copy), so the libraries
 * hand back byte strings as Buffers whatever view the transport passed in.
 */
function frameBytes(frame: Frame, name: string): Buffer {
  if (Buffer.isBuffer(frame)) return frame;
  if (frame instanceof Uint8Array) return Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  const got = typeof frame === 'string' ? 'a text frame' : 'an in-process message';
  throw new ProtocolError(`${name} frame must be binary, got ${got}`);
}

function detail(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}...` : text;
}
