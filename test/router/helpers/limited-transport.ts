import {
  createInProcessPair,
  PayloadSizeError,
  type Transport,
  type TransportHandlers,
} from '../../../src/transport';
import type { Frame } from '../../../src/protocol';

/** Bytes a frame would take on the wire: in process, the JSON text of the array. */
function sizeOf(frame: Frame): number {
  return typeof frame === 'string' || frame instanceof Uint8Array
    ? frame.length
    : JSON.stringify(frame).length;
}

/**
 * The router's end of an in-process link, with the limits a socket transport has: a
 * maximum message size enforced both ways (outbound: `PayloadSizeError`; inbound: the
 * `oversize` hook, then close) and a `bufferedAmount` the test sets to play a slow reader.
 */
export class LimitedTransport implements Transport {
  readonly kind = 'inprocess' as const;
  readonly peer = 'inprocess:limited';
  bufferedAmount = 0;

  constructor(
    private readonly inner: Transport,
    readonly maxMessageSize: number,
  ) {}

  /** A linked pair: the client's plain end and the router's limited end. */
  static pair(maxMessageSize: number): { client: Transport; server: LimitedTransport } {
    const [client, server] = createInProcessPair();
    return { client, server: new LimitedTransport(server, maxMessageSize) };
  }

  get serializer(): Transport['serializer'] {
    return this.inner.serializer;
  }

  get isOpen(): boolean {
    return this.inner.isOpen;
  }

  attach(handlers: TransportHandlers): void {
    this.inner.attach({
      message: (frame) => {
        const size = sizeOf(frame);
        if (size <= this.maxMessageSize) return handlers.message(frame);
        handlers.oversize?.(size);
        this.inner.close(1009, 'message too big');
      },
      close: handlers.close,
    });
  }

  send(frame: Frame): void {
    const size = sizeOf(frame);
    if (size > this.maxMessageSize) throw new PayloadSizeError(size, this.maxMessageSize);
    this.inner.send(frame);
  }

  close(code?: number, reason?: string): void {
    this.inner.close(code, reason);
  }
}
