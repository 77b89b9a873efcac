import { ErrorCode, WServiceError } from '../errors';
import type { WireMessage } from './messages';

/**
 * One serialized message as it travels on a transport: text for JSON over WebSocket, bytes
 * for binary serializers and RawSocket, or the message array itself for the in-process
 * transport, which skips serialization.
 */
export type Frame = string | Uint8Array | WireMessage;

/** WebSocket subprotocol names of the serializers (spec: "WebSocket Transport"). */
export type Subprotocol = 'wamp.2.json' | 'wamp.2.msgpack' | 'wamp.2.cbor';

/** Turns wire arrays into frames and back. Implementations are stateless and shared. */
export interface Serializer {
  /** Short name: `json`, `msgpack`, `cbor`, or `inprocess`. */
  readonly name: string;
  /** The WebSocket subprotocol, absent for serializers that never travel on WebSocket. */
  readonly subprotocol?: Subprotocol;
  /** RawSocket serializer id (1 json, 2 msgpack, 3 cbor), absent where not applicable. */
  readonly rawSocketId?: number;
  /** True when frames are binary (WebSocket binary frames). */
  readonly binary: boolean;
  /** Serialize one wire message. Throws `SerializationError` for values it cannot carry. */
  serialize(message: WireMessage): Frame;
  /**
   * Parse one frame into an untrusted value (not yet validated as a message).
   * Throws `ProtocolError` when the bytes are not a valid document of this format.
   */
  deserialize(frame: Frame): unknown;
}

/** A value could not be serialized (a cycle, a function, a BigInt out of range...). */
export class SerializationError extends WServiceError {
  readonly code = ErrorCode.SERIALIZATION;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SerializationError';
  }
}
