import type { WireMessage } from '../protocol/messages';
import type { Frame, Serializer } from '../protocol/serializer';
import type { CloseInfo, PeerCertificate, Transport, TransportHandlers } from './transport';

/** Where the peer of an in-process end really is, when it stands for a remote client (the HTTP bridge). */
export interface LinkInfo {
  peer?: string;
  origin?: string;
  peerCertificate?: PeerCertificate;
}

/**
 * The in-process "serializer": frames are the wire arrays themselves. Nothing is copied, so
 * a peer must not mutate the arguments it receives (documented in docs/architecture.md).
 */
export const inProcessSerializer: Serializer = {
  name: 'inprocess',
  binary: false,
  serialize: (message: WireMessage): Frame => message,
  deserialize: (frame: Frame): unknown => frame,
};

/**
 * One end of an in-process link. Frames are delivered in order, in a microtask batch, so a
 * send never re-enters the receiver synchronously.
 */
class InProcessEnd implements Transport {
  readonly serializer = inProcessSerializer;
  readonly kind = 'inprocess' as const;
  readonly peer: string;
  readonly origin?: string;
  readonly peerCertificate?: PeerCertificate;
  readonly maxMessageSize = Number.POSITIVE_INFINITY;
  readonly bufferedAmount = 0;

  other!: InProcessEnd;
  private handlers: TransportHandlers | null = null;
  private inbox: Frame[] = [];
  private flushScheduled = false;
  private open = true;
  private closeInfo: CloseInfo | null = null;
  /** While true, received frames wait in the inbox (the router holds back this publisher). */
  private paused = false;

  constructor(link: LinkInfo = {}) {
    this.peer = link.peer ?? 'inprocess';
    if (link.origin !== undefined) this.origin = link.origin;
    if (link.peerCertificate !== undefined) this.peerCertificate = link.peerCertificate;
  }

  get isOpen(): boolean {
    return this.open;
  }

  attach(handlers: TransportHandlers): void {
    this.handlers = handlers;
    if (this.inbox.length > 0 || this.closeInfo) this.scheduleFlush();
  }

  send(frame: Frame): void {
    if (!this.open) return;
    this.other.receive(frame);
  }

  /** Paused, and not closing (a closing link delivers what it holds, then the close). */
  private get holding(): boolean {
    return this.paused && this.closeInfo === null;
  }

  pauseReading(): void {
    this.paused = true;
  }

  resumeReading(): void {
    this.paused = false;
    if (this.inbox.length > 0 || this.closeInfo) this.scheduleFlush();
  }

  close(code = 1000, reason = 'closed'): void {
    if (!this.open) return;
    const info: CloseInfo = { code, reason, wasClean: true };
    this.shut(info);
    this.other.shut(info);
  }

  private receive(frame: Frame): void {
    this.inbox.push(frame);
    this.scheduleFlush();
  }

  private shut(info: CloseInfo): void {
    if (!this.open) return;
    this.open = false;
    this.closeInfo = info;
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.handlers === null || this.holding) return;
    this.flushScheduled = true;
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    const handlers = this.handlers;
    if (handlers === null) return;
    // Frames sent before the close are still delivered, then the close.
    const batch = this.inbox.length;
    let delivered = 0;
    while (delivered < batch && !this.holding) handlers.message(this.inbox[delivered++]);
    this.inbox.splice(0, delivered);
    if (this.holding) return;
    if (this.inbox.length > 0) return this.scheduleFlush();
    if (this.closeInfo !== null) {
      const info = this.closeInfo;
      this.closeInfo = null;
      this.handlers = null;
      handlers.close(info);
    }
  }
}

/** Two linked transports: what one sends, the other receives. */
export function createInProcessPair(link?: LinkInfo): [Transport, Transport] {
  const a = new InProcessEnd();
  // The second end is the one a router serves: it shows the remote client's link.
  const b = new InProcessEnd(link);
  a.other = b;
  b.other = a;
  return [a, b];
}
