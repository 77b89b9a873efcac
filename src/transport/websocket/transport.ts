import type { Writable } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import type { Logger } from '../../logger';
import type { Frame, Serializer } from '../../protocol/serializer';
import { KeepAlive, type KeepAliveOptions } from '../keepalive';
import { SocketTransport } from '../socket-transport';
import { PayloadSizeError, TransportError, type PeerCertificate, type Transport } from '../transport';
import { WriteBatch } from '../write-batch';

/** Close codes (RFC 6455 section 7.4.1). */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  ABNORMAL: 1006,
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
} as const;

/** ws rejects reasons longer than this many UTF-8 bytes (a close frame payload is at most 125). */
const MAX_CLOSE_REASON_BYTES = 123;

/** The ws error code for a frame above its own `maxPayload`, past our headroom. */
const WS_TOO_BIG = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';

/**
 * How far above `maxMessageSize` ws itself buffers a frame. Within it, the frame is read, the
 * owner's `oversize` hook runs while the link is still open (so it can send ABORT) and the
 * link closes with 1009. Beyond it, ws fails the link on the frame header (no buffering of
 * giant frames); the hook still runs, but the link is already closing.
 */
export function websocketMaxPayload(maxMessageSize: number): number {
  return maxMessageSize + Math.max(maxMessageSize, 1024 * 1024);
}

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
  keepAlive?: KeepAliveOptions;
  logger: Logger;
  /**
   * The TCP / TLS stream under the WebSocket (the upgrade's socket). Given, frames sent in one
   * tick leave in one write (see WriteBatch); absent, each frame is written on its own.
   */
  stream?: Writable;
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
  private readonly keepAlive: KeepAlive | null;
  private readonly batch: WriteBatch | null;

  constructor(
    private readonly socket: WebSocket,
    options: WebSocketTransportOptions,
  ) {
    super(options.peer, options.logger, true);
    this.origin = options.origin;
    this.peerCertificate = options.peerCertificate;
    this.serializer = options.serializer;
    this.maxMessageSize = options.maxMessageSize;
    this.sendOptions = { binary: options.serializer.binary };
    this.batch = options.stream === undefined ? null : new WriteBatch(options.stream);
    this.keepAlive =
      options.keepAlive === undefined
        ? null
        : new KeepAlive(
            options.keepAlive,
            () => this.ping(),
            (err) => this.fail(err),
          );

    socket.on('message', this.onMessage);
    socket.on('pong', () => this.keepAlive?.pong());
    socket.on('error', (err) => this.onSocketError(err));
    socket.on('close', (code: number, reason: Buffer) => this.onClose(code, reason));
    this.keepAlive?.start();
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
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

  close(code: number = CloseCode.NORMAL, reason = ''): void {
    if (!this.open) return;
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

  private readonly onMessage = (data: RawData, isBinary: boolean): void => {
    // binaryType is 'nodebuffer': ws hands over one Buffer per message, fragments joined.
    const bytes = data as Buffer;
    if (bytes.length > this.maxMessageSize) return this.rejectOversize(bytes.length);
    // ws has already checked that a text frame is valid UTF-8.
    this.inbox.message(isBinary ? bytes : bytes.toString('utf8'));
  };

  private rejectOversize(size: number): void {
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

  /** Keep-alive expired: the peer is gone or stuck, so there is no closing handshake to wait for. */
  private fail(error: TransportError): void {
    this.logger.warn({ peer: this.peer }, error.message);
    this.failure = error;
    this.terminate();
  }

  private onSocketError(err: Error & { code?: string }): void {
    if (err.code === WS_TOO_BIG) {
      // ws has already started closing with 1009; the size is only known to exceed its limit.
      this.open = false;
      this.failure = new TransportError(`inbound message exceeds ${this.maxMessageSize} bytes`, 'OVERSIZE');
      this.inbox.oversize(websocketMaxPayload(this.maxMessageSize) + 1);
      return;
    }
    this.logger.warn({ peer: this.peer, err }, 'WebSocket error');
    this.failure = new TransportError(`WebSocket error: ${err.message}`, err.code, { cause: err });
  }

  private onClose(code: number, reason: Buffer): void {
    this.keepAlive?.stop();
    const failure = this.failure;
    this.finish({
      code,
      reason: failure !== undefined && reason.length === 0 ? failure.message : reason.toString('utf8'),
      // ws reports 1006 when the link ended without a closing handshake (dropped, terminated).
      wasClean: code !== CloseCode.ABNORMAL,
      error: failure,
    });
  }
}
