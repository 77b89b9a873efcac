import { TransportError } from '../transport';
import { MAGIC } from './handshake';

/**
 * A RawSocket stream parser with no socket inside: feed it chunks of any size (one byte at a
 * time works) and it reports the handshake and each frame to its sink.
 *
 * Frame prefix (spec: "Framing"):
 *
 *     RRRR XTTT  LLLL LLLL  LLLL LLLL  LLLL LLLL
 *
 * R reserved (zero), T the type (0 message, 1 ping, 2 pong), L a 24-bit big-endian payload
 * length, and X a 25th length bit, set only for a payload of exactly 2^24 octets (L all zero).
 */
export enum FramerState {
  /** Reading the other side's 4 handshake octets. */
  HANDSHAKE = 'HANDSHAKE',
  /** Reading a 4-octet frame prefix. */
  HEADER = 'HEADER',
  /** Reading a frame's payload. */
  PAYLOAD = 'PAYLOAD',
  /** Stopped by malformed input, an oversize frame or `stop()`: further input is ignored. */
  STOPPED = 'STOPPED',
}

/** Frame types (the TTT bits). */
export const FrameType = { MESSAGE: 0, PING: 1, PONG: 2 } as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

/** Where the framer reports what it read. A payload may share memory with the chunk pushed. */
export interface FramerSink {
  /** The handshake's second octet and its two reserved octets (as one 16-bit number). */
  handshake(octet: number, reserved: number): void;
  message(payload: Buffer): void;
  ping(payload: Buffer): void;
  pong(payload: Buffer): void;
  /** A frame announced `size` octets, above the limit; the framer stops. */
  oversize(size: number): void;
}

const PREFIX_LENGTH = 4;
const RESERVED_BITS = 0xf0;
const LENGTH_BIT_25 = 0x08;
const TYPE_BITS = 0x07;
/** Payload length of a frame with the X bit set. */
const LENGTH_2_24 = 2 ** 24;
const EMPTY = Buffer.alloc(0);

/**
 * The parser. Errors are thrown as `TransportError` (code `BAD_MAGIC`, `RESERVED_BITS`,
 * `UNKNOWN_FRAME_TYPE`, `BAD_LENGTH`) after the framer has stopped, so the caller can close
 * the link; input after that is ignored.
 */
export class RawSocketFramer {
  private current: FramerState;
  /** Partial handshake or prefix, when one spans chunks. */
  private readonly prefix = Buffer.alloc(PREFIX_LENGTH);
  private prefixFill = 0;
  private payloadType: FrameType = FrameType.MESSAGE;
  private payloadLength = 0;
  /**
   * Partial payload, when one spans chunks: the chunks as they came, so a peer holds only
   * the bytes it really sent (never the size it announced), joined once complete.
   */
  private payload: Buffer[] | null = null;
  private payloadFill = 0;
  /** Frames read so far (messages, pings and pongs). */
  private frames = 0;

  constructor(
    public sink: FramerSink,
    /** The largest payload accepted, in octets. */
    private readonly maxLength: number,
    /** Start by reading a handshake (true for both client and router on a new connection). */
    expectHandshake = true,
  ) {
    this.current = expectHandshake ? FramerState.HANDSHAKE : FramerState.HEADER;
  }

  get state(): FramerState {
    return this.current;
  }

  /** True when the input read so far ends inside a frame (prefix or payload). */
  get unfinished(): boolean {
    return (
      this.current === FramerState.PAYLOAD || (this.current === FramerState.HEADER && this.prefixFill > 0)
    );
  }

  /** Payload bytes of the unfinished frame held so far. */
  get bufferedBytes(): number {
    return this.payloadFill;
  }

  /** Frames completed so far: compare before and after a push to know if one completed. */
  get completedFrames(): number {
    return this.frames;
  }

  /** Ignore all further input (the link is closing). */
  stop(): void {
    this.current = FramerState.STOPPED;
    this.payload = null;
    this.payloadFill = 0;
  }

  push(chunk: Uint8Array): void {
    let pos = 0;
    while (pos < chunk.length) {
      switch (this.current) {
        case FramerState.HANDSHAKE:
        case FramerState.HEADER:
          pos = this.readPrefix(chunk, pos);
          break;
        case FramerState.PAYLOAD:
          pos = this.readPayload(chunk, pos);
          break;
        case FramerState.STOPPED:
          return;
      }
    }
  }

  private readPrefix(chunk: Uint8Array, pos: number): number {
    // Fast path: the whole prefix is in this chunk.
    if (this.prefixFill === 0 && chunk.length - pos >= PREFIX_LENGTH) {
      this.onPrefix(chunk[pos], chunk[pos + 1], chunk[pos + 2], chunk[pos + 3]);
      return pos + PREFIX_LENGTH;
    }
    const take = Math.min(PREFIX_LENGTH - this.prefixFill, chunk.length - pos);
    this.prefix.set(chunk.subarray(pos, pos + take), this.prefixFill);
    this.prefixFill += take;
    if (this.prefixFill === PREFIX_LENGTH) {
      this.prefixFill = 0;
      const p = this.prefix;
      this.onPrefix(p[0], p[1], p[2], p[3]);
    }
    return pos + take;
  }

  private onPrefix(b0: number, b1: number, b2: number, b3: number): void {
    if (this.current === FramerState.HANDSHAKE) this.onHandshake(b0, b1, (b2 << 8) | b3);
    else this.onHeader(b0, (b1 << 16) | (b2 << 8) | b3);
  }

  // [0x7F, LLLL SSSS, reserved, reserved]
  private onHandshake(magic: number, octet: number, reserved: number): void {
    if (magic !== MAGIC) {
      this.fail(
        `not a RawSocket peer: first octet 0x${magic.toString(16).padStart(2, '0')}, expected 0x7f`,
        'BAD_MAGIC',
      );
    }
    this.current = FramerState.HEADER;
    this.sink.handshake(octet, reserved);
  }

  // [RRRR XTTT, length (24 bits, big-endian)]
  private onHeader(typeOctet: number, length24: number): void {
    if ((typeOctet & RESERVED_BITS) !== 0) {
      this.fail(`frame prefix uses reserved bits (0x${typeOctet.toString(16)})`, 'RESERVED_BITS');
    }
    const type = typeOctet & TYPE_BITS;
    if (type > FrameType.PONG) this.fail(`unknown frame type ${type}`, 'UNKNOWN_FRAME_TYPE');
    let length = length24;
    if ((typeOctet & LENGTH_BIT_25) !== 0) {
      // spec: X is set only for exactly 2^24 octets, with the 24 length bits cleared.
      if (length24 !== 0)
        this.fail('frame prefix sets the 25th length bit with a non-zero length', 'BAD_LENGTH');
      length = LENGTH_2_24;
    }
    if (length > this.maxLength) {
      this.stop();
      this.sink.oversize(length);
      return;
    }
    this.payloadType = type as FrameType;
    if (length === 0) {
      this.emit(EMPTY);
      return;
    }
    this.payloadLength = length;
    this.current = FramerState.PAYLOAD;
  }

  private readPayload(chunk: Uint8Array, pos: number): number {
    const available = chunk.length - pos;
    // Fast path: the whole payload is in this chunk; hand out a view, no copy.
    if (this.payload === null && available >= this.payloadLength) {
      const end = pos + this.payloadLength;
      this.current = FramerState.HEADER;
      this.emit(asBuffer(chunk, pos, end));
      return end;
    }
    this.payload ??= [];
    const take = Math.min(this.payloadLength - this.payloadFill, available);
    this.payload.push(asBuffer(chunk, pos, pos + take));
    this.payloadFill += take;
    if (this.payloadFill === this.payloadLength) {
      const payload = Buffer.concat(this.payload, this.payloadLength);
      this.payload = null;
      this.payloadFill = 0;
      this.current = FramerState.HEADER;
      this.emit(payload);
    }
    return pos + take;
  }

  private emit(payload: Buffer): void {
    this.frames++;
    switch (this.payloadType) {
      case FrameType.MESSAGE:
        return this.sink.message(payload);
      case FrameType.PING:
        return this.sink.ping(payload);
      case FrameType.PONG:
        return this.sink.pong(payload);
    }
  }

  private fail(message: string, code: string): never {
    this.stop();
    throw new TransportError(message, code);
  }
}

function asBuffer(chunk: Uint8Array, start: number, end: number): Buffer {
  return Buffer.isBuffer(chunk)
    ? chunk.subarray(start, end)
    : Buffer.from(chunk.buffer, chunk.byteOffset + start, end - start);
}

/** The 4-octet prefix of a frame of `type` carrying `length` octets (length at most 2^24). */
export function encodeFramePrefix(
  type: FrameType,
  length: number,
  into: Buffer = Buffer.allocUnsafe(4),
  offset = 0,
): Buffer {
  if (length === LENGTH_2_24) {
    into.writeUInt32BE(((type | LENGTH_BIT_25) << 24) >>> 0, offset);
  } else {
    into.writeUInt32BE(((type << 24) | length) >>> 0, offset);
  }
  return into;
}
