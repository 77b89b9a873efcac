/**
 * Follows the frame boundaries of the inbound bytes of a WebSocket (RFC 6455 section 5.2)
 * without buffering or copying anything: it reads frame headers and skips payloads. `ws`
 * does the real parsing; this tells the transport what `ws` cannot: whether a message is in
 * progress (for its deadline), how many bytes of it are held (for the router's budget), and
 * the size a message announces before any of its payload is buffered (so the owner can send
 * ABORT while the link is still open).
 *
 *     FIN RSV OPCODE | MASK LEN7 | LEN16 / LEN64 | MASKING KEY | payload
 */
const enum State {
  HEADER,
  PAYLOAD,
}

const OPCODE_BITS = 0x0f;
const FIN_BIT = 0x80;
const MASK_BIT = 0x80;
const LEN7_BITS = 0x7f;
/** Opcodes 0x8 and up are control frames (close, ping, pong), which may interleave fragments. */
const FIRST_CONTROL_OPCODE = 0x08;

/** What the watcher reports per chunk. */
export interface ChunkOutcome {
  /** A data message completed inside this chunk. */
  completed: boolean;
  /** The chunk ended inside a frame, or inside a fragmented message. */
  unfinished: boolean;
}

export class FrameWatcher {
  private state = State.HEADER;
  /** A header split over chunks: at most 14 bytes. */
  private readonly header = Buffer.alloc(14);
  private headerFill = 0;
  private payloadLeft = 0;
  private control = false;
  private final = true;
  /** Payload bytes of the data message in progress (all its fragments so far). */
  private messageBytes = 0;
  /** Payload bytes of that message announced so far, by its frame headers. */
  private messageAnnounced = 0;
  private inFragmentedMessage = false;
  private readonly outcome: ChunkOutcome = { completed: false, unfinished: false };

  constructor(
    private readonly maxMessageSize: number,
    /** A data message announced more than `maxMessageSize` bytes; the watcher stops. */
    private readonly onOversize: (size: number) => void,
  ) {}

  /** Bytes of the unfinished inbound message held so far. */
  get bufferedBytes(): number {
    return this.messageBytes;
  }

  /** Reads one chunk; the returned object is reused from call to call. */
  push(chunk: Buffer): ChunkOutcome {
    const outcome = this.outcome;
    outcome.completed = false;
    let pos = 0;
    while (pos < chunk.length) {
      if (this.state === State.PAYLOAD) {
        const take = Math.min(this.payloadLeft, chunk.length - pos);
        this.payloadLeft -= take;
        if (!this.control) this.messageBytes += take;
        pos += take;
        if (this.payloadLeft === 0) this.frameDone();
        continue;
      }
      const used = this.readHeader(chunk, pos);
      if (used < 0) return outcome;
      pos = used;
    }
    outcome.unfinished = this.state !== State.HEADER || this.headerFill > 0 || this.inFragmentedMessage;
    return outcome;
  }

  /** Returns the position after the header, the chunk's end when it is split, or -1 when stopped. */
  private readHeader(chunk: Buffer, pos: number): number {
    // The usual case, a whole header inside the chunk, is read where it lies: no copy.
    if (this.headerFill === 0) {
      const length = headerLength(chunk, pos, chunk.length - pos);
      if (length !== 0 && pos + length <= chunk.length) return this.onHeader(chunk, pos) ? pos + length : -1;
    }
    const take = Math.min(14 - this.headerFill, chunk.length - pos);
    chunk.copy(this.header, this.headerFill, pos, pos + take);
    const available = this.headerFill + take;
    const length = headerLength(this.header, 0, available);
    if (length === 0 || available < length) {
      this.headerFill = available;
      return chunk.length;
    }
    const consumed = length - this.headerFill;
    this.headerFill = 0;
    if (!this.onHeader(this.header, 0)) return -1;
    return pos + consumed;
  }

  /** Reads the frame header at `at` in `h`; false when the watcher stopped. */
  private onHeader(h: Buffer, at: number): boolean {
    const opcode = h[at] & OPCODE_BITS;
    const len7 = h[at + 1] & LEN7_BITS;
    let payload = len7;
    if (len7 === 126) payload = h.readUInt16BE(at + 2);
    else if (len7 === 127) payload = Number(h.readBigUInt64BE(at + 2));
    this.control = opcode >= FIRST_CONTROL_OPCODE;
    this.final = (h[at] & FIN_BIT) !== 0;
    this.payloadLeft = payload;
    if (!this.control) {
      this.messageAnnounced += payload;
      if (this.messageAnnounced > this.maxMessageSize) {
        this.state = State.HEADER;
        this.payloadLeft = 0;
        this.onOversize(this.messageAnnounced);
        // Nothing more is read: the link is closing.
        this.stop();
        return false;
      }
      if (!this.final) this.inFragmentedMessage = true;
    }
    if (payload === 0) this.frameDone();
    else this.state = State.PAYLOAD;
    return true;
  }

  private frameDone(): void {
    this.state = State.HEADER;
    if (this.control || !this.final) return;
    this.inFragmentedMessage = false;
    this.messageBytes = 0;
    this.messageAnnounced = 0;
    this.outcome.completed = true;
  }

  private stop(): void {
    this.push = stopped;
    this.messageBytes = 0;
  }
}

const STOPPED: ChunkOutcome = { completed: false, unfinished: false };
function stopped(): ChunkOutcome {
  return STOPPED;
}

/** The full header length once its first two bytes (at `at` in `header`) are known, else 0. */
function headerLength(header: Buffer, at: number, available: number): number {
  if (available < 2) return 0;
  const len7 = header[at + 1] & LEN7_BITS;
  const extended = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
  return 2 + extended + ((header[at + 1] & MASK_BIT) !== 0 ? 4 : 0);
}
