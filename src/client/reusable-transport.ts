import type { Frame } from '../protocol/serializer';
import { inProcessEnd, type MessageHandler, type MessageLink } from '../transport/inprocess';
import {
  TransportError,
  type CloseInfo,
  type Transport,
  type TransportHandlers,
} from '../transport/transport';

/**
 * One link carrying one session after another (autobahn's `leave()` then `join()`): after the
 * GOODBYE exchange the spec lets a client send a new HELLO on the same transport. A session
 * ending while `keepOpen()` is armed detaches instead of closing the link, and the next
 * session attaches. Frames arriving while no session is attached are dropped.
 */
export class ReusableTransport implements Transport {
  private handlers?: TransportHandlers;
  private closeInfo?: CloseInfo;
  private keep = false;
  private onMessage: MessageHandler | null = null;
  /** An in-process link's typed side, passed on to the attached session (see inprocess.ts). */
  readonly messageLink?: MessageLink;

  constructor(private readonly inner: Transport) {
    const end = inProcessEnd(inner);
    if (end !== undefined) {
      end.takeMessages((message) => this.onMessage?.(message));
      this.messageLink = {
        sendMessage: (message) => end.sendMessage(message),
        takeMessages: (handler) => (this.onMessage = handler),
        offerDirect: (side) => end.offerDirect(side),
        directPeer: () => end.directPeer(),
      };
    }
    inner.attach({
      message: (frame) => this.handlers?.message(frame),
      oversize: (size) => this.handlers?.oversize?.(size),
      close: (info) => {
        this.closeInfo = info;
        const handlers = this.handlers;
        this.handlers = undefined;
        this.onMessage = null;
        end?.offerDirect(null);
        handlers?.close(info);
      },
    });
  }

  get serializer() {
    return this.inner.serializer;
  }

  get kind() {
    return this.inner.kind;
  }

  get peer() {
    return this.inner.peer;
  }

  get maxMessageSize() {
    return this.inner.maxMessageSize;
  }

  get bufferedAmount() {
    return this.inner.bufferedAmount;
  }

  get isOpen() {
    return this.closeInfo === undefined && this.inner.isOpen;
  }

  attach(handlers: TransportHandlers): void {
    if (this.handlers !== undefined) throw new TransportError('attach called twice on one transport');
    this.handlers = handlers;
    const info = this.closeInfo;
    if (info !== undefined) queueMicrotask(() => handlers.close(info));
  }

  send(frame: Frame): void {
    this.inner.send(frame);
  }

  /** The attached session's next `close` detaches it and leaves the link open. */
  keepOpen(): void {
    this.keep = true;
  }

  close(code?: number, reason?: string): void {
    if (this.keep && this.isOpen) {
      this.keep = false;
      this.handlers = undefined;
      this.onMessage = null;
      inProcessEnd(this.inner)?.offerDirect(null);
      return;
    }
    this.keep = false;
    this.inner.close(code, reason);
  }
}
