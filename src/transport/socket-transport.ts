import type { Logger } from '../logger';
import { FrameInbox } from './inbox';
import type { KeepAlive } from './keepalive';
import { TransportError, type CloseInfo, type ReadPause, type TransportHandlers } from './transport';

/** Close code for an owner handler that threw (WebSocket 1011, "internal error"). */
const CLOSE_INTERNAL_ERROR = 1011;

/**
 * What the WebSocket and RawSocket transports share: the owner's inbox (frames held until
 * attach, close reported once), the open flag, the `closed` promise and the handling of an
 * owner handler that throws.
 */
export abstract class SocketTransport {
  /** Settles with the close info once the link is closed (the same info `handlers.close` gets). */
  readonly closed: Promise<CloseInfo>;
  protected readonly inbox: FrameInbox;
  /** What is read from: the TCP / TLS socket, or the WebSocket over it. */
  protected abstract readonly socket: { pause(): void; resume(): void };
  protected abstract readonly keepAlive: KeepAlive | null;
  protected open: boolean;
  /** Why the link failed, when it did: reported as CloseInfo.error. */
  protected failure: Error | undefined;
  private resolveClosed!: (info: CloseInfo) => void;
  /** Who paused reading (publisher back-pressure, the buffer budget): reading waits for all. */
  private readonly pausedBy = new Set<ReadPause>();

  protected constructor(
    readonly peer: string,
    protected readonly logger: Logger,
    open: boolean,
  ) {
    this.open = open;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.inbox = new FrameInbox((err) => this.onHandlerError(err));
  }

  get isOpen(): boolean {
    return this.open;
  }

  attach(handlers: TransportHandlers): void {
    this.inbox.attach(handlers);
  }

  abstract close(code?: number, reason?: string): void;

  /** Stops reading from the peer (see `Transport.pauseReading`); keep-alive waits meanwhile. */
  pauseReading(reason: ReadPause = 'publisher'): void {
    if (this.pausedBy.size === 0) {
      this.keepAlive?.suspend(true);
      this.socket.pause();
    }
    this.pausedBy.add(reason);
  }

  /** Reading resumes once no reason to pause is left. */
  resumeReading(reason: ReadPause = 'publisher'): void {
    if (!this.pausedBy.delete(reason) || this.pausedBy.size > 0) return;
    this.keepAlive?.suspend(false);
    this.socket.resume();
  }

  /** The link is gone: tell the owner (once) and settle `closed`. */
  protected finish(info: CloseInfo): void {
    this.open = false;
    this.inbox.close(info);
    this.resolveClosed(info);
  }

  /** `send` got a message array: only the in-process transport carries those. */
  protected notSerialized(): TransportError {
    return new TransportError(
      `a ${this.constructor.name} sends serialized frames (string or bytes), not message arrays`,
    );
  }

  private onHandlerError(err: unknown): void {
    this.logger.error({ peer: this.peer, err }, 'transport handler threw; closing the link');
    this.close(CLOSE_INTERNAL_ERROR, 'internal error');
  }
}
