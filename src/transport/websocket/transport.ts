import type { Writable } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import type { Logger } from '../../logger';
import type { Frame, Serializer } from '../../protocol/serializer';
import { RAW_PAYLOAD_MIN_LENGTH } from '../../protocol/serializers/raw-payload';
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
import { FrameWatcher } from './frame-watcher';

/** Close codes (RFC 6455 section 7.4.1). */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  ABNORMAL: 1006,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  TRY_AGAIN_LATER: 1013,
} as const;

/** ws rejects reasons longer than this many UTF-8 bytes (a close frame payload is at most 125). */
const MAX_CLOSE_REASON_BYTES = 123;

/** ws waits this long for the peer's close frame, then destroys the socket (absent from @types/ws). */
export const CLOSE_TIMEOUT_OPTION = { closeTimeout: CLOSE_GRACE } as object;

/** The ws error code for a message above its `maxPayload`. */
const WS_TOO_BIG = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';

/** A close code ws will send: the caller's, or 1000 when the caller's is not allowed on the wire. */
function sendableCloseCode(code: number): number {
  const allowed =
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999);
  return allowed ? code : CloseCode.NORMAL;
}

function sendableCloseReason(reason: string): string {
  if (Buffer.byteLength(reason) <= MAX_CLOSE_REASON_BYTES) return reason;
  return Buffer.from(reason)
    .subarray(0, MAX_CLOSE_REASON_BYTES)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
}

/** What a WebSocket transport needs beyond the socket; built by `connectWebSocket` / `listenWebSocket`. */
export interface WebSocketTransportOptions {
  serializer: Serializer;
  peer: string;
  maxMessageSize: number;
  /** Off when absent. */
  keepAlive?: KeepAliveOptions;
  /** Milliseconds an inbound message may take from its first byte to its last. Default 30 s. */
  messageTimeout?: number;
  /** Unsent bytes above which a close drops the link at once (nothing would reach the peer). */
  outboundLimit?: number;
  /** The listener's count of connections not yet joined, left when the owner calls `joined`. */
  pending?: PendingTicket;
  /** Called as an unfinished inbound message grows (every 64 KiB more held): the budget may pause the link. */
  onBuffering?: (transport: Transport) => void;
  logger: Logger;
  /**
   * The TCP / TLS stream under the WebSocket (the upgrade's socket). Given, frames sent in one
   * event-loop turn leave in one write (see WriteBatch), and inbound bytes are watched for the message
   * deadline, the early size check and liveness; absent, only whole messages are seen.
   */
  stream?: Writable & NodeJS.EventEmitter;
  /** The upgrade request's `Origin` header (server side). */
  origin?: string;
  /** The client's TLS certificate (server side of `wss://`). */
  peerCertificate?: PeerCertificate;
}

/**
 * WAMP over one open WebSocket: JSON in text frames, msgpack / CBOR in binary frames; a frame
 * of either kind is accepted on receive.
 */
export class WebSocketTransport extends SocketTransport implements Transport {
  readonly kind = 'websocket' as const;
  readonly serializer: Serializer;
  readonly maxMessageSize: number;
  readonly origin?: string;
  readonly peerCertificate?: PeerCertificate;

  private readonly sendOptions: { binary: boolean };
  private readonly firstFragment: { binary: boolean; fin: boolean };
  private readonly lastFragment: { binary: boolean; fin: boolean };
  protected readonly keepAlive: KeepAlive | null;
  private readonly batch: WriteBatch | null;
  private readonly watcher: FrameWatcher;
  private readonly deadline: MessageDeadline;
  private readonly outboundLimit: number;
  private readonly pending: PendingTicket | undefined;
  private readonly onBuffering: ((transport: Transport) => void) | undefined;
  /** Held bytes last reported to `onBuffering`. */
  private reportedBuffering = 0;
  private oversized = false;

  constructor(
    protected readonly socket: WebSocket,
    options: WebSocketTransportOptions,
  ) {
    super(options.peer, options.logger, true);
    this.origin = options.origin;
    this.peerCertificate = options.peerCertificate;
    this.serializer = options.serializer;
    this.maxMessageSize = options.maxMessageSize;
    this.sendOptions = { binary: options.serializer.binary };
    this.firstFragment = { binary: options.serializer.binary, fin: false };
    this.lastFragment = { binary: options.serializer.binary, fin: true };
    this.batch = options.stream === undefined ? null : new WriteBatch(options.stream);
    this.keepAlive =
      options.keepAlive === undefined
        ? null
        : new KeepAlive(
            options.keepAlive,
            () => this.ping(),
            (err) => this.fail(err),
          );
    this.outboundLimit = options.outboundLimit ?? DEFAULT_OUTBOUND_LIMIT;
    this.pending = options.pending;
    this.onBuffering = options.onBuffering;
    this.watcher = new FrameWatcher(this.maxMessageSize, (size) => this.rejectOversize(size));
    this.deadline = new MessageDeadline(options.messageTimeout ?? DEFAULT_MESSAGE_TIMEOUT, (err) =>
      this.fail(err),
    );

    // Before ws reads a chunk: an oversize message is refused before any of it is buffered.
    options.stream?.prependListener('data', this.onRawData);
    socket.on('message', this.onMessage);
    if (options.stream === undefined) socket.on('pong', () => this.keepAlive?.heard());
    socket.on('error', (err) => this.onSocketError(err));
    socket.on('close', (code: number, reason: Buffer) => this.onClose(code, reason));
    this.keepAlive?.start();
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  /** Bytes of an unfinished inbound message that ws holds. */
  get inboundBufferedAmount(): number {
    return this.watcher.bufferedBytes;
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

  send(frame: Frame): void {
    if (!this.open) return;
    if (typeof frame === 'string') {
      // A UTF-16 unit is at most 3 UTF-8 bytes: count bytes only when the frame could be too big.
      if (frame.length * 3 > this.maxMessageSize) this.checkSize(Buffer.byteLength(frame));
    } else if (frame instanceof Uint8Array) {
      this.checkSize(frame.byteLength);
    } else {
      throw this.notSerialized();
    }
    this.batch?.hold();
    this.socket.send(frame, this.sendOptions);
  }

  /** One text message of two fragments, written uncopied: `ws` frames each as it is. */
  sendSpliced(head: Uint8Array, rest: Uint8Array): void {
    if (!this.open) return;
    this.checkSize(head.byteLength + rest.byteLength);
    this.batch?.hold();
    this.socket.send(head, this.firstFragment);
    this.socket.send(rest, this.lastFragment);
  }

  /**
   * Starts the closing handshake; ws destroys the socket if the peer has not answered within
   * `CLOSE_GRACE`. A link holding more unsent bytes than its outbound limit is dropped at
   * once: its peer is not reading, so the close frame would never reach it.
   */
  close(code: number = CloseCode.NORMAL, reason = ''): void {
    if (!this.open) return;
    if (this.socket.bufferedAmount > this.outboundLimit) return this.terminate();
    this.open = false;
    this.socket.close(sendableCloseCode(code), sendableCloseReason(reason));
  }

  /** Drops the link without a closing handshake (a listener shutting down past its grace period). */
  terminate(): void {
    this.open = false;
    this.socket.terminate();
  }

  private checkSize(size: number): void {
    if (size > this.maxMessageSize) throw new PayloadSizeError(size, this.maxMessageSize);
  }

  private readonly onRawData = (chunk: Buffer): void => {
    noteRead();
    this.keepAlive?.heard();
    const outcome = this.watcher.push(chunk);
    this.deadline.update(outcome.unfinished, outcome.completed);
    if (outcome.unfinished) this.reportBuffering(this.watcher.bufferedBytes);
  };

  private readonly onMessage = (data: RawData, isBinary: boolean): void => {
    // binaryType is 'nodebuffer': ws hands over one Buffer per message, fragments joined.
    const bytes = data as Buffer;
    if (bytes.length > this.maxMessageSize) return this.rejectOversize(bytes.length);
    // ws has already checked that a text frame is valid UTF-8. A large one stays bytes: the JSON
    // serializer reads bytes as well, and a router forwards the payload of such a frame as it is.
    this.inbox.message(isBinary || bytes.length >= RAW_PAYLOAD_MIN_LENGTH ? bytes : bytes.toString('utf8'));
  };

  private rejectOversize(size: number): void {
    if (this.oversized) return;
    this.oversized = true;
    this.logger.warn(
      { peer: this.peer, size, limit: this.maxMessageSize },
      'inbound WebSocket message too big',
    );
    this.inbox.oversize(size);
    this.close(CloseCode.MESSAGE_TOO_BIG, 'message too big');
  }

  private ping(): void {
    if (this.open) this.socket.ping();
  }

  /**
   * Keep-alive expired or a message is overdue: the peer is gone or stalling, so there is no
   * closing handshake to wait for.
   */
  private fail(error: TransportError): void {
    this.logger.warn({ peer: this.peer }, error.message);
    this.failure = error;
    this.terminate();
  }

  private onSocketError(err: Error & { code?: string }): void {
    if (err.code === WS_TOO_BIG) {
      // Seen by the frame watcher first, unless there is no stream to watch.
      this.failure = new TransportError(`inbound message exceeds ${this.maxMessageSize} bytes`, 'OVERSIZE');
      if (this.oversized) return;
      this.oversized = true;
      this.open = false;
      this.inbox.oversize(this.maxMessageSize + 1);
      return;
    }
    this.logger.warn({ peer: this.peer, err }, 'WebSocket error');
    this.failure = new TransportError(`WebSocket error: ${err.message}`, err.code, { cause: err });
  }

  private onClose(code: number, reason: Buffer): void {
    this.keepAlive?.stop();
    this.deadline.stop();
    this.pending?.done();
    const failure = this.failure;
    this.finish({
      // An oversize message is refused on its header, so the peer's close frame is never read.
      code: this.oversized && code === CloseCode.ABNORMAL ? CloseCode.MESSAGE_TOO_BIG : code,
      reason: failure !== undefined && reason.length === 0 ? failure.message : reason.toString('utf8'),
      // ws reports 1006 when the link ended without a closing handshake (dropped, terminated).
      wasClean: code !== CloseCode.ABNORMAL,
      error: failure,
    });
  }
}
