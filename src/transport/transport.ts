import { ErrorCode, WServiceError } from '../errors';
import type { Frame, Serializer } from '../protocol/serializer';

/** Why a transport closed. */
export interface CloseInfo {
  /** WebSocket close code (1000 normal, 1006 abnormal...) or a RawSocket / in-process equivalent. */
  code: number;
  reason: string;
  /** False when the link dropped (network error, keep-alive timeout, peer vanished). */
  wasClean: boolean;
  /** The error that ended the link, if one did. */
  error?: Error;
}

/** A TLS client certificate, as the server side of a link saw it in the handshake. */
export interface PeerCertificate {
  /** Subject fields: `CN`, `O`, ... */
  subject: Record<string, string>;
  issuer: Record<string, string>;
  /** SHA-256 fingerprint: upper-case hex pairs joined by colons (`AB:12:...`), as Node gives it. */
  fingerprint256: string;
  serialNumber: string;
  validFrom: string;
  validTo: string;
  /** True when the certificate chains to the listener's `ca`. */
  authorized: boolean;
  /** Why it does not, when it does not. */
  authorizationError?: string;
}

/** Why the owner stopped reading from a link (see `Transport.pauseReading`). */
export type ReadPause = 'publisher' | 'budget';

/** Callbacks a transport's owner (a client session or the router) installs. */
export interface TransportHandlers {
  /** One inbound frame, as the serializer will read it. */
  message(frame: Frame): void;
  /** The link is closed, whoever closed it. Called exactly once. */
  close(info: CloseInfo): void;
  /**
   * An inbound frame of `size` bytes exceeded `maxMessageSize` and was dropped. The owner may
   * still `send` one last frame (ABORT `wamp.error.payload_size_exceeded`); the transport
   * closes right after this returns.
   */
  oversize?(size: number): void;
}

/**
 * A bidirectional link carrying WAMP frames: WebSocket, RawSocket (TCP / unix, optionally
 * TLS) or in-process. Frames are serialized by `serializer` before `send`.
 *
 * The owner calls `attach` once; frames that arrive earlier are held and delivered then.
 */
export interface Transport {
  readonly serializer: Serializer;
  /** `websocket`, `rawsocket`, `inprocess`, or a custom transport's own name (shown in logs and the meta API). */
  readonly kind: 'websocket' | 'rawsocket' | 'inprocess' | (string & {});
  /** Where the other side is, Crossbar style: `tcp4:127.0.0.1:50412`, `unix:/tmp/s`, `inprocess`. */
  readonly peer: string;
  /** Largest frame this transport accepts in either direction, in bytes. */
  readonly maxMessageSize: number;
  /** Bytes handed to `send` and not yet written to the socket (backpressure signal). */
  readonly bufferedAmount: number;
  /** True until the link closes. */
  readonly isOpen: boolean;
  /** The `Origin` header of the WebSocket upgrade, when the client (a browser) sent one. */
  readonly origin?: string;
  /** The client's TLS certificate (server side of a TLS link), when it presented one. */
  readonly peerCertificate?: PeerCertificate;
  /**
   * Bytes held for an unfinished inbound message (socket transports): what a peer that
   * starts a message and never ends it costs, for the router's buffer budget.
   */
  readonly inboundBufferedAmount?: number;

  attach(handlers: TransportHandlers): void;
  /**
   * Send one serialized frame. Throws `PayloadSizeError` when it exceeds `maxMessageSize`
   * (nothing is sent, the link stays open); a send on a closed transport is dropped.
   */
  send(frame: Frame): void;
  /**
   * Sends one frame given in two pieces, `head` then `rest` (a router forwarding a payload's
   * bytes after a head it wrote), without joining them: as `send` of the two joined. Optional:
   * without it, the router sends the joined frame.
   */
  sendSpliced?(head: Uint8Array, rest: Uint8Array): void;
  /**
   * The owner's session on this link is established. Until then a link accepted by a
   * listener with shared `pending` caps counts as not yet joined (and may be evicted).
   */
  joined?(): void;
  /**
   * Stops reading from the peer (its frames wait in its socket, and TCP slows it down) until
   * `resumeReading` with the same `reason`: how the router holds back a publisher while its
   * subscribers drain (`publisher`, the default), and a link whose unfinished message the
   * buffer budget has no room for (`budget`). Reading resumes once no reason is left. A frame
   * or two already read may still be delivered. Keep-alive does not count the pause as silence.
   */
  pauseReading?(reason?: ReadPause): void;
  resumeReading?(reason?: ReadPause): void;
  /** Drops the link at once, without a closing handshake, freeing its buffers (socket transports). */
  terminate?(): void;
  /** Close the link; `handlers.close` follows. Idempotent. */
  close(code?: number, reason?: string): void;
}

/** A frame is larger than the transport allows. */
export class PayloadSizeError extends WServiceError {
  readonly code = ErrorCode.PAYLOAD_SIZE;

  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`message of ${size} bytes exceeds the limit of ${limit} bytes`);
    this.name = 'PayloadSizeError';
  }
}

/**
 * A link could not be opened or broke a transport rule (handshake refused, bad framing).
 * Unlike the other error classes, `code` names the cause: the system error (`ECONNREFUSED`,
 * `EADDRINUSE`...) or the transport's own (`CONNECT_TIMEOUT`, `KEEPALIVE_TIMEOUT`,
 * `SERIALIZER_UNSUPPORTED`...; see docs/errors.md), else `WSERVICE_ERR_TRANSPORT`.
 */
export class TransportError extends WServiceError {
  readonly code: string;

  constructor(message: string, code?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransportError';
    this.code = code ?? ErrorCode.TRANSPORT;
  }
}
