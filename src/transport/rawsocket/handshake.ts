import type { Serializer } from '../../protocol/serializer';
import { TransportError } from '../transport';

/**
 * The RawSocket opening handshake (spec: "RawSocket Transport"). Both sides send 4 octets:
 *
 *     0111 1111  LLLL SSSS  RRRR RRRR  RRRR RRRR
 *     magic      length     reserved (zero)
 *                exponent / serializer
 *
 * L announces the largest message the sender is willing to receive, 2^(9+L) octets; S is the
 * serializer (1 json, 2 msgpack, 3 cbor). A router refuses with S = 0 and an error code in
 * the high nibble: `0x7F, E << 4, 0, 0`.
 */
export const MAGIC = 0x7f;

/** Largest length exponent: 2^(9+15) = 16 MiB. */
export const MAX_LENGTH_EXPONENT = 15;

/** Handshake error codes (spec: the high nibble of an error reply). */
export const HandshakeError = {
  SERIALIZER_UNSUPPORTED: 1,
  MAX_LENGTH_UNACCEPTABLE: 2,
  RESERVED_BITS: 3,
  CONNECTION_LIMIT: 4,
} as const;
export type HandshakeErrorCode = (typeof HandshakeError)[keyof typeof HandshakeError];

const ERROR_TEXT: Record<number, [code: string, text: string]> = {
  [HandshakeError.SERIALIZER_UNSUPPORTED]: ['SERIALIZER_UNSUPPORTED', 'serializer unsupported'],
  [HandshakeError.MAX_LENGTH_UNACCEPTABLE]: [
    'MAX_LENGTH_UNACCEPTABLE',
    'maximum message length unacceptable',
  ],
  [HandshakeError.RESERVED_BITS]: ['RESERVED_BITS', 'use of reserved bits'],
  [HandshakeError.CONNECTION_LIMIT]: ['CONNECTION_LIMIT', 'maximum connection count reached'],
};

/** The largest message size 2^(9+L) that does not exceed `maxMessageSize` (at least 512). */
export function lengthExponentOf(maxMessageSize: number): number {
  let exponent = 0;
  while (exponent < MAX_LENGTH_EXPONENT && 2 ** (10 + exponent) <= maxMessageSize) exponent++;
  return exponent;
}

/** The message size a length exponent announces. */
export function maxLengthOf(exponent: number): number {
  return 2 ** (9 + exponent);
}

/** A handshake request, or a router's accepting reply. */
export function encodeHandshake(lengthExponent: number, serializerId: number): Buffer {
  return Buffer.from([MAGIC, (lengthExponent << 4) | serializerId, 0, 0]);
}

/** A router's refusal. */
export function encodeHandshakeError(code: HandshakeErrorCode): Buffer {
  return Buffer.from([MAGIC, code << 4, 0, 0]);
}

/** The outcome of reading the other side's handshake octets. */
export type Negotiation =
  | { ok: true; serializer: Serializer; peerMaxMessageSize: number; reply?: Buffer }
  | { ok: false; error: TransportError; reply?: Buffer };

/** Reads a handshake's second and reserved octets; the framer has already checked the magic. */
export type Negotiate = (octet: number, reserved: number) => Negotiation;

function refused(code: HandshakeErrorCode, message: string): Negotiation {
  return {
    ok: false,
    error: new TransportError(message, ERROR_TEXT[code][0]),
    reply: encodeHandshakeError(code),
  };
}

/**
 * The router's side: accept the client's serializer if we speak it, announce our own limit;
 * otherwise refuse with the spec's error code. `atCapacity` is asked last, so a malformed
 * request is reported as such even when the router is full.
 */
export function routerNegotiation(
  serializers: readonly Serializer[],
  lengthExponent: number,
  atCapacity: () => boolean,
): Negotiate {
  return (octet, reserved) => {
    if (reserved !== 0) return refused(HandshakeError.RESERVED_BITS, 'client handshake uses reserved bits');
    const serializerId = octet & 0x0f;
    const serializer = serializers.find((s) => s.rawSocketId === serializerId);
    if (serializer === undefined) {
      return refused(
        HandshakeError.SERIALIZER_UNSUPPORTED,
        `client asked for unsupported serializer ${serializerId}`,
      );
    }
    if (atCapacity()) return refused(HandshakeError.CONNECTION_LIMIT, 'maximum connection count reached');
    return {
      ok: true,
      serializer,
      peerMaxMessageSize: maxLengthOf(octet >> 4),
      reply: encodeHandshake(lengthExponent, serializerId),
    };
  };
}

/** The client's side: the router must echo our serializer, or refuse with an error code. */
export function clientNegotiation(serializer: Serializer, target: string): Negotiate {
  return (octet, reserved) => {
    if (reserved !== 0) {
      return {
        ok: false,
        error: new TransportError(
          `${target} answered the RawSocket handshake with reserved bits set`,
          'RESERVED_BITS',
        ),
      };
    }
    const serializerId = octet & 0x0f;
    if (serializerId === 0) {
      const errorCode = octet >> 4;
      const [code, text] = ERROR_TEXT[errorCode] ?? [`HANDSHAKE_ERROR_${errorCode}`, `error ${errorCode}`];
      return {
        ok: false,
        error: new TransportError(`${target} refused the RawSocket handshake: ${text}`, code),
      };
    }
    if (serializerId !== serializer.rawSocketId) {
      return {
        ok: false,
        error: new TransportError(
          `${target} answered with serializer ${serializerId}, but we asked for ${serializer.rawSocketId} (${serializer.name})`,
          'SERIALIZER_MISMATCH',
        ),
      };
    }
    return { ok: true, serializer, peerMaxMessageSize: maxLengthOf(octet >> 4) };
  };
}
