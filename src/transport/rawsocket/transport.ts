import type { Socket } from 'node:net';
import type { Logger } from '../../logger';
import type { Frame, Serializer } from '../../protocol/serializer';
import {
  BUFFERING_REPORT_STEP,
  CLOSE_GRACE,
  DEFAULT_MESSAGE_TIMEOUT,
  DEFAULT_OUTBOUND_LIMIT,
} from '../constants';
import { KeepAlive, type KeepAliveOptions } from '../keepalive';
import { MessageDeadline } from '../message-deadline';
import type { PendingTicket } from '../pending';
import { SocketTransport } from '../socket-transport';
import { PayloadSizeError, TransportError, type PeerCertificate, type Transport } from '../transport';
import { noteRead, WriteBatch } from '../write-batch';
import { encodeFramePrefix, FrameType, RawSocketFramer, type FramerSink } from './framer';
import type { Negotiate } from './handshake';

/** RawSocket has no close frame; these mirror the WebSocket codes so owners read one vocabulary. */
const CLOSE_NORMAL = 1000;
const CLOSE_ABNORMAL = 1006;
const CLOSE_MESSAGE_TOO_BIG = 1009;
/** A framing error from the peer: the RawSocket analogue of WebSocket's 1002. */
const CLOSE_PROTOCOL_ERROR = 1002;

/** A ping with no payload: written as is, never mutated, so one buffer serves every ping. */
const PING_FRAME = encodeFramePrefix(FrameType.PING, 0);

/** What a RawSocket transport needs beyond the socket; built by `connectRawSocket` / `listenRawSocket`. */
export interface RawSocketTransportOptions {
  peer: string;
  /** Our limit, announced in the handshake (a power of two). */
  maxMessageSize: number;
  negotiate: Negotiate;
  /** Off when absent. */
  keepAlive?: KeepAliveOptions;
  /** Milliseconds an inbound frame may take from its first byte to its last. Default 30 s. */
  messageTimeout?: number;
  /**
   * Unsent bytes the link may hold: a PING whose PONG would pass it drops the link, and a
   * close past it drops the link at once. Default 64 MiB.
   */
  outboundLimit?: number;
  /** The listener's count of connections not yet joined, left when the owner calls `joined`. */
  pending?: PendingTicket;
  /** Called as an unfinished inbound message grows (every 64 KiB more held): the budget may pause the link. */
  onBuffering?: (transport: Transport) => void;
  logger: Logger;
  /** The client's TLS certificate (a TLS listener that asked for one). */
  peerCertificate?: PeerCertificate;
}

/**
 * WAMP over one RawSocket stream (TCP, TLS or a unix socket). It runs the handshake itself:
 * `ready` settles once the other side's handshake octets are read (and, on a router, the
 * reply written). Only then is the transport handed to an owner.
 */
export class RawSocketTransport extends SocketTransport implements Transport, FramerSink {
  readonly kind = 'rawsocket' as const;
  readonly peerCertificate?: PeerCertificate;
  /** Known once `ready` has resolved. */
  serializer!: Serializer;
  /** The largest frame the peer accepts (its handshake's announcement): `send` never exceeds it. */
  peerMaxMessageSize = 0;
  /** Settles when the handshake succeeds; rejects with the TransportError that refused it. */
  readonly ready: Promise<void>;

  private readonly localMaxMessageSize: number;
  private readonly framer: RawSocketFramer;
  protected readonly keepAlive: KeepAlive | null;
  private readonly negotiate: Negotiate;
  private readonly batch: WriteBatch;
  private readonly deadline: MessageDeadline;
  private readonly outboundLimit: number;
  private readonly pending: PendingTicket | undefined;
  private readonly onBuffering: ((transport: Transport) => void) | undefined;
  /** Held bytes last reported to `onBuffering`. */
  private reportedBuffering = 0;
  private handshaking = true;
  private closing = false;
  private closeCode = CLOSE_NORMAL;
  private closeReason = '';
  private endTimer: NodeJS.Timeout | null = null;
  private settleReady!: (error?: TransportError) => void;

  constructor(
    protected readonly socket: Socket,
    options: RawSocketTransportOptions,
  ) {
    // Not open until the handshake succeeds.
    super(options.peer, options.logger, false);
    this.peerCertificate = options.peerCertificate;
    this.localMaxMessageSize = options.maxMessageSize;
    this.negotiate = options.negotiate;
    this.framer = new RawSocketFramer(this, options.maxMessageSize);
    this.batch = new WriteBatch(socket);
    this.keepAlive =
      options.keepAlive === undefined
        ? null
        : new KeepAlive(
            options.keepAlive,
            () => this.socket.write(PING_FRAME),
            (err) => this.drop(err),
          );
    this.deadline = new MessageDeadline(options.messageTimeout ?? DEFAULT_MESSAGE_TIMEOUT, (err) =>
      this.drop(err),
    );
    this.outboundLimit = options.outboundLimit ?? DEFAULT_OUTBOUND_LIMIT;
    this.pending = options.pending;
    this.onBuffering = options.onBuffering;
    this.ready = new Promise<void>((resolve, reject) => {
      this.settleReady = (error) => (error === undefined ? resolve() : reject(error));
    });
    socket.setNoDelay(true);
    socket.on('data', this.onData);
    socket.on('error', (err) => this.onSocketError(err));
    socket.on('close', () => this.onSocketClose());
  }

  /** Largest frame accepted in both directions: the smaller of our limit and the peer's. */
  get maxMessageSize(): number {
    return Math.min(this.localMaxMessageSize, this.peerMaxMessageSize);
  }

  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  /** Bytes of an unfinished inbound frame held so far. */
  get inboundBufferedAmount(): number {
    return this.framer.bufferedBytes;
  }

  /** Tells the owner's budget when the unfinished inbound message has grown by another step. */
  private reportBuffering(held: number): void {
    if (held < this.reportedBuffering) this.reportedBuffering = 0;
    if (this.onBuffering === undefined || held - this.reportedBuffering < BUFFERING_REPORT_STEP) return;
    this.reportedBuffering = held;
    this.onBuffering(this);
  }

  /** The owner's session is established: the link no longer counts as pending. */
  joined(): void {
    this.pending?.done();
  }

  /** Sends our handshake (client side); the router's reply drives `ready`. */
  sendHandshake(octets: Buffer): void {
    this.socket.write(octets);
  }

  send(frame: Frame): void {
    if (!this.open) return;
    if (typeof frame === 'string') return this.sendText(frame);
    if (!(frame instanceof Uint8Array)) throw this.notSerialized();
    this.checkSize(frame.byteLength);
    // Prefix and payload, and every other frame of this event-loop turn, leave in one writev, uncopied.
    this.batch.hold();
    this.socket.write(encodeFramePrefix(FrameType.MESSAGE, frame.byteLength));
    this.socket.write(frame);
  }

  /** One message from two pieces: prefix, head and rest leave in one writev, uncopied. */
  sendSpliced(head: Uint8Array, rest: Uint8Array): void {
    if (!this.open) return;
    const size = head.byteLength + rest.byteLength;
    this.checkSize(size);
    this.batch.hold();
    this.socket.write(encodeFramePrefix(FrameType.MESSAGE, size));
    this.socket.write(head);
    this.socket.write(rest);
  }

  close(code = CLOSE_NORMAL, reason = ''): void {
    if (this.closing) return;
    // Its peer is not reading: a half-close would never get through; free the buffers now.
    if (this.socket.writableLength > this.outboundLimit) {
      this.closeCode = code;
      this.closeReason = reason;
      return this.terminate();
    }
    this.closing = true;
    this.open = false;
    this.closeCode = code;
    this.closeReason = reason;
    this.framer.stop();
    // A half-close lets queued frames (a last ABORT) reach the peer; a peer that never
    // closes its side is cut after the grace period.
    this.socket.end();
    this.endTimer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE);
    this.endTimer.unref();
  }

  /** Drops the link at once. */
  terminate(): void {
    this.closing = true;
    this.open = false;
    this.framer.stop();
    this.socket.destroy();
  }

  /** Drops the link at once because of `error` (keep-alive expired, handshake too slow). */
  abort(error: TransportError): void {
    this.failure = error;
    this.closeCode = CLOSE_ABNORMAL;
    this.closeReason = error.message;
    this.terminate();
  }

  // --- FramerSink ------------------------------------------------------------------------

  handshake(octet: number, reserved: number): void {
    const outcome = this.negotiate(octet, reserved);
    if (outcome.reply !== undefined) this.socket.write(outcome.reply);
    if (!outcome.ok) {
      // spec: after an error reply the router closes; a refused client closes too.
      this.failure = outcome.error;
      this.handshaking = false;
      this.settleReady(outcome.error);
      this.close(CLOSE_PROTOCOL_ERROR, outcome.error.message);
      return;
    }
    this.serializer = outcome.serializer;
    this.peerMaxMessageSize = outcome.peerMaxMessageSize;
    this.handshaking = false;
    this.open = true;
    this.keepAlive?.start();
    this.settleReady();
  }

  message(payload: Buffer): void {
    this.inbox.message(payload);
  }

  // spec: a PING is answered at once by exactly one PONG echoing its payload.
  ping(payload: Buffer): void {
    if (!this.open) return;
    // A PONG is output like any other: a peer that pings and never reads must not grow it.
    if (this.socket.writableLength + 4 + payload.length > this.outboundLimit) {
      return this.drop(
        new TransportError(
          `the peer does not read its PONGs: more than ${this.outboundLimit} bytes unsent`,
          'OUTBOUND_LIMIT',
        ),
      );
    }
    this.socket.cork();
    this.socket.write(encodeFramePrefix(FrameType.PONG, payload.length));
    if (payload.length > 0) this.socket.write(payload);
    this.socket.uncork();
  }

  pong(): void {
    // Any inbound bytes count as a sign of life (see onData).
  }

  oversize(size: number): void {
    this.logger.warn(
      { peer: this.peer, size, limit: this.localMaxMessageSize },
      'inbound RawSocket message too big',
    );
    this.inbox.oversize(size);
    this.close(CLOSE_MESSAGE_TOO_BIG, `message of ${size} bytes exceeds ${this.localMaxMessageSize}`);
  }

  // --- internals -------------------------------------------------------------------------

  private sendText(text: string): void {
    const size = Buffer.byteLength(text);
    this.checkSize(size);
    // One buffer for prefix and payload: a single allocation (pooled when small).
    const buffer = Buffer.allocUnsafe(4 + size);
    encodeFramePrefix(FrameType.MESSAGE, size, buffer, 0);
    buffer.write(text, 4, 'utf8');
    this.batch.hold();
    this.socket.write(buffer);
  }

  private checkSize(size: number): void {
    if (size > this.peerMaxMessageSize) throw new PayloadSizeError(size, this.peerMaxMessageSize);
  }

  private readonly onData = (chunk: Buffer): void => {
    noteRead();
    this.keepAlive?.heard();
    const before = this.framer.completedFrames;
    try {
      this.framer.push(chunk);
      const unfinished = this.framer.unfinished;
      this.deadline.update(unfinished, this.framer.completedFrames !== before);
      if (unfinished) this.reportBuffering(this.framer.bufferedBytes);
    } catch (err) {
      const error = err as TransportError;
      this.logger.warn({ peer: this.peer, err: error }, 'RawSocket framing error; closing');
      this.failure = error;
      if (this.handshaking) {
        this.handshaking = false;
        this.settleReady(error);
      }
      this.close(CLOSE_PROTOCOL_ERROR, error.message);
    }
  };

  /**
   * Keep-alive expired, a frame is overdue, or the peer does not read: there is no half-close
   * to wait for.
   */
  private drop(error: TransportError): void {
    this.logger.warn({ peer: this.peer }, error.message);
    this.abort(error);
  }

  private onSocketError(err: Error & { code?: string }): void {
    this.logger.debug({ peer: this.peer, err }, 'RawSocket socket error');
    this.failure ??= new TransportError(`RawSocket error: ${err.message}`, err.code, { cause: err });
    this.closeCode = CLOSE_ABNORMAL;
  }

  private onSocketClose(): void {
    this.closing = true;
    this.keepAlive?.stop();
    this.deadline.stop();
    this.pending?.done();
    if (this.endTimer !== null) clearTimeout(this.endTimer);
    if (this.handshaking) {
      this.handshaking = false;
      this.settleReady(
        this.failure instanceof TransportError
          ? this.failure
          : new TransportError('the connection closed during the RawSocket handshake', 'HANDSHAKE_CLOSED'),
      );
    }
    this.finish({
      code: this.closeCode,
      reason: this.closeReason || (this.failure?.message ?? 'connection closed'),
      wasClean: this.closeCode !== CLOSE_ABNORMAL,
      error: this.failure,
    });
  }
}
