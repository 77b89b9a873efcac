import type { Frame, Serializer } from '../protocol/serializer';
import { SERIALIZERS } from '../protocol/serializers';
import { DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_MESSAGE_SIZE } from '../transport/constants';
import { checkMaxMessageSize } from '../transport/problems';
import {
  PayloadSizeError,
  TransportError,
  type CloseInfo,
  type Transport,
  type TransportHandlers,
} from '../transport/transport';
import { serializerOfSubprotocol, subprotocolsOf } from '../transport/websocket/subprotocol';

/** Options of `connectBrowserWebSocket`. */
export interface BrowserWebSocketOptions {
  /** Serializers to offer, most preferred first. Default: json, msgpack, cbor. */
  serializers?: readonly Serializer[];
  /** Largest message accepted or sent, in bytes. Default 16 MiB. */
  maxMessageSize?: number;
  /** Milliseconds to get an open WebSocket. Default 10 s. */
  connectTimeout?: number;
  /** The WebSocket class to use. Default: `globalThis.WebSocket`, the browser's own. */
  WebSocket?: typeof WebSocket;
}

/**
 * Opens a WebSocket to a WAMP router with the browser's own `WebSocket`, offering the
 * serializers' subprotocols and using the one the router picked. The browser sends the page's
 * `Origin`, so the router's `allowedOrigins` applies.
 *
 * Rejects with a `TransportError` naming the URL when the socket does not open (a browser
 * does not tell a refused upgrade from an unreachable host: `CONNECT_FAILED`), does not open
 * in time (`CONNECT_TIMEOUT`), or the router picks no subprotocol we offered (`SUBPROTOCOL`).
 */
export function connectBrowserWebSocket(
  url: string,
  options: BrowserWebSocketOptions = {},
): Promise<Transport> {
  const serializers = options.serializers ?? SERIALIZERS;
  const maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  const timeout = options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT;
  const WebSocketClass = options.WebSocket ?? globalThis.WebSocket;
  let socket: WebSocket;
  let protocols: string[];
  try {
    checkMaxMessageSize(maxMessageSize);
    if (typeof WebSocketClass !== 'function') throw new TransportError('this runtime has no WebSocket class');
    protocols = subprotocolsOf(serializers);
    socket = new WebSocketClass(url, protocols);
  } catch (err) {
    if (err instanceof TransportError) return Promise.reject(err);
    // The constructor throws a SyntaxError (a DOMException) for a URL it cannot use.
    return Promise.reject(
      new TransportError(`invalid WebSocket URL ${url}: ${(err as Error).message}`, 'INVALID_URL'),
    );
  }
  socket.binaryType = 'arraybuffer';
  return new Promise((resolve, reject) => {
    const settle = (error?: TransportError): void => {
      clearTimeout(timer);
      socket.onopen = socket.onerror = socket.onclose = null;
      if (error === undefined) return;
      socket.close();
      reject(error);
    };
    const timer = setTimeout(
      () =>
        settle(
          new TransportError(`cannot connect to ${url}: no answer within ${timeout} ms`, 'CONNECT_TIMEOUT'),
        ),
      timeout,
    );
    socket.onerror = () =>
      settle(new TransportError(`cannot connect to ${url}: the WebSocket did not open`, 'CONNECT_FAILED'));
    socket.onclose = (event) =>
      settle(
        new TransportError(
          `cannot connect to ${url}: closed (${event.code}) before it opened`,
          'CONNECT_FAILED',
        ),
      );
    socket.onopen = () => {
      const serializer = serializerOfSubprotocol(socket.protocol, serializers);
      if (serializer === undefined) {
        return settle(
          new TransportError(
            `${url} did not pick one of the subprotocols we offered (${protocols.join(', ')}): got "${socket.protocol}"`,
            'SUBPROTOCOL',
          ),
        );
      }
      settle();
      resolve(new BrowserWebSocketTransport(socket, serializer, url, maxMessageSize));
    };
  });
}

/** Close codes a page may send (the WebSocket API refuses others): 1000 and 3000..4999. */
function sendableCloseCode(code: number): number {
  return code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000;
}

/** UTF-8 length of a text frame, counted only when its length alone cannot tell. */
function textBytes(text: string, limit: number): number {
  // A UTF-16 code unit is 1 to 3 UTF-8 bytes.
  if (text.length * 3 <= limit || text.length > limit) return text.length;
  return new TextEncoder().encode(text).byteLength;
}

function frameBytes(frame: string | Uint8Array, limit: number): number {
  return typeof frame === 'string' ? textBytes(frame, limit) : frame.byteLength;
}

/** A `Transport` over an open browser `WebSocket`. */
export class BrowserWebSocketTransport implements Transport {
  readonly kind = 'websocket';
  private handlers?: TransportHandlers;
  private held: Frame[] = [];
  private closed?: CloseInfo;

  constructor(
    private readonly socket: WebSocket,
    readonly serializer: Serializer,
    /** The router's URL: a page cannot see the socket's address. */
    readonly peer: string,
    readonly maxMessageSize: number,
  ) {
    socket.onmessage = (event) => this.receive(event.data as string | ArrayBuffer);
    socket.onclose = (event) =>
      this.finish({ code: event.code, reason: event.reason, wasClean: event.wasClean });
    // An error is always followed by close, which reports it.
    socket.onerror = null;
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  get isOpen(): boolean {
    return this.closed === undefined && this.socket.readyState === this.socket.OPEN;
  }

  attach(handlers: TransportHandlers): void {
    this.handlers = handlers;
    const held = this.held;
    this.held = [];
    for (const frame of held) handlers.message(frame);
    if (this.closed !== undefined) handlers.close(this.closed);
  }

  send(frame: Frame): void {
    if (!this.isOpen) return;
    if (typeof frame !== 'string' && !(frame instanceof Uint8Array))
      throw new TypeError('a WebSocket carries text or bytes, not an unserialized message');
    const size = frameBytes(frame, this.maxMessageSize);
    if (size > this.maxMessageSize) throw new PayloadSizeError(size, this.maxMessageSize);
    this.socket.send(frame);
  }

  close(code = 1000, reason = ''): void {
    if (this.socket.readyState === this.socket.CLOSING || this.socket.readyState === this.socket.CLOSED)
      return;
    this.socket.close(sendableCloseCode(code), reason);
  }

  private receive(data: string | ArrayBuffer): void {
    if (this.closed !== undefined) return;
    const frame = typeof data === 'string' ? data : new Uint8Array(data);
    const size = frameBytes(frame, this.maxMessageSize);
    if (size > this.maxMessageSize) {
      this.handlers?.oversize?.(size);
      // 1009: message too big (RFC 6455), sent as 1000: a page may not send 1009.
      this.close(1000, 'message too big');
      return;
    }
    if (this.handlers === undefined) this.held.push(frame);
    else this.handlers.message(frame);
  }

  private finish(info: CloseInfo): void {
    if (this.closed !== undefined) return;
    this.closed = info;
    this.socket.onmessage = this.socket.onclose = null;
    this.handlers?.close(info);
  }
}
