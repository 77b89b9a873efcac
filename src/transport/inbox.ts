import type { Frame } from '../protocol/serializer';
import type { CloseInfo, TransportHandlers } from './transport';
import { TransportError } from './transport';

/**
 * The owner's side of a socket transport: holds frames (and the close) that arrive before
 * `attach`, delivers them in order once attached, and reports the close exactly once.
 *
 * A handler that throws is the owner's bug, not the peer's: it is passed to `onHandlerError`
 * (which logs and closes the link) instead of unwinding into the socket's event loop.
 */
export class FrameInbox {
  private handlers: TransportHandlers | null = null;
  /** Frames waiting for `attach` (or for the flush right after it); null once delivering live. */
  private held: Frame[] | null = [];
  private pendingClose: CloseInfo | null = null;
  private closed = false;

  constructor(private readonly onHandlerError: (error: unknown) => void) {}

  attach(handlers: TransportHandlers): void {
    if (this.handlers !== null) throw new TransportError('attach called twice on one transport');
    this.handlers = handlers;
    // Delivered in a microtask, like the in-process transport: attach never re-enters its caller.
    queueMicrotask(() => this.flush());
  }

  message(frame: Frame): void {
    if (this.held !== null) {
      this.held.push(frame);
      return;
    }
    try {
      this.handlers!.message(frame);
    } catch (err) {
      this.onHandlerError(err);
    }
  }

  /** Tells a live owner about an oversize frame; before attach there is no one to send ABORT. */
  oversize(size: number): void {
    if (this.held !== null || this.closed) return;
    try {
      this.handlers!.oversize?.(size);
    } catch (err) {
      this.onHandlerError(err);
    }
  }

  close(info: CloseInfo): void {
    if (this.closed) return;
    this.closed = true;
    if (this.held !== null) {
      this.pendingClose = info;
      return;
    }
    this.deliverClose(info);
  }

  private flush(): void {
    const held = this.held ?? [];
    // Frames arriving while the batch runs append to `held` and are picked up by the loop.
    for (let i = 0; i < held.length; i++) {
      try {
        this.handlers!.message(held[i]);
      } catch (err) {
        this.onHandlerError(err);
      }
    }
    this.held = null;
    if (this.pendingClose !== null) {
      const info = this.pendingClose;
      this.pendingClose = null;
      this.deliverClose(info);
    }
  }

  private deliverClose(info: CloseInfo): void {
    const handlers = this.handlers!;
    try {
      handlers.close(info);
    } catch (err) {
      this.onHandlerError(err);
    }
  }
}
