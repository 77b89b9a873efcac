import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { defaultLogger, type Logger } from '../../logger';
import type { Serializer } from '../../protocol/serializer';
import { SERIALIZERS } from '../../protocol/serializers';
import { DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_MESSAGE_SIZE } from '../constants';
import { checkKeepAliveOptions, keepAliveOf, type KeepAliveOptions } from '../keepalive';
import { describePeer } from '../peer';
import { checkMaxMessageSize, connectFailure } from '../problems';
import type { ClientTlsOptions } from '../tls';
import { TransportError, type Transport } from '../transport';
import { serializerOfSubprotocol, subprotocolsOf } from './subprotocol';
import { CLOSE_TIMEOUT_OPTION, WebSocketTransport } from './transport';

/** Options of `connectWebSocket`. */
export interface WebSocketClientOptions {
  /** Serializers to offer, most preferred first. Default: every serializer wservice speaks. */
  serializers?: readonly Serializer[];
  /** Largest message accepted or sent, in bytes. Default 16 MiB. */
  maxMessageSize?: number;
  /** Ping the router when the link is silent for `interval` ms, drop it after `timeout` more. Default on (10 s, 10 s); `false` turns it off. */
  keepAlive?: KeepAliveOptions | false;
  /** Milliseconds an inbound message may take from its first byte to its last. Default 30 s. */
  messageTimeout?: number;
  /** For `wss://` URLs. */
  tls?: ClientTlsOptions;
  /** Extra HTTP headers on the opening handshake (e.g. a cookie or a bearer token). */
  headers?: Record<string, string>;
  /** Milliseconds to get an open WebSocket, TCP and TLS included. Default 10 s. */
  connectTimeout?: number;
  logger?: Logger;
}

/** How much of a refused upgrade's response body goes into the error message. */
const MAX_REFUSAL_BODY = 512;

/**
 * Opens a WebSocket to a WAMP router, offering the serializers' subprotocols (`wamp.2.json`,
 * `wamp.2.msgpack`, `wamp.2.cbor`) and using the one the server picked.
 *
 * Rejects with a `TransportError` naming the URL when the connection is refused or times
 * out, the server refuses the upgrade, or it picks no subprotocol we offered.
 *
 * @example const transport = await connectWebSocket('ws://127.0.0.1:8080/ws');
 */
export function connectWebSocket(url: string, options: WebSocketClientOptions = {}): Promise<Transport> {
  const serializers = options.serializers ?? SERIALIZERS;
  const maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  const connectTimeout = options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT;
  try {
    checkMaxMessageSize(maxMessageSize);
    checkKeepAliveOptions(options.keepAlive);
    const protocols = subprotocolsOf(serializers);
    const socket = new WebSocket(url, protocols, {
      ...CLOSE_TIMEOUT_OPTION,
      maxPayload: maxMessageSize,
      perMessageDeflate: false,
      headers: options.headers,
      ca: options.tls?.ca,
      cert: options.tls?.cert,
      key: options.tls?.key,
      rejectUnauthorized: options.tls?.rejectUnauthorized ?? true,
    });
    return awaitOpen(socket, url, protocols, connectTimeout, (peer, stream) => {
      const serializer = serializerOfSubprotocol(socket.protocol, serializers);
      // ws already refuses a subprotocol we did not offer; this guards the mapping back.
      if (serializer === undefined)
        throw new TransportError(`${url} picked unknown subprotocol ${socket.protocol}`);
      return new WebSocketTransport(socket, {
        serializer,
        peer,
        stream,
        maxMessageSize,
        keepAlive: keepAliveOf(options.keepAlive),
        messageTimeout: options.messageTimeout,
        logger: options.logger ?? defaultLogger(),
      });
    });
  } catch (err) {
    if (err instanceof TransportError) return Promise.reject(err);
    // ws throws SyntaxError for a URL it cannot use (bad scheme, no host...).
    return Promise.reject(
      new TransportError(`invalid WebSocket URL ${url}: ${(err as Error).message}`, 'INVALID_URL'),
    );
  }
}

/** Settles once: the transport when the socket opens, a TransportError naming the URL otherwise. */
function awaitOpen(
  socket: WebSocket,
  url: string,
  offered: readonly string[],
  timeout: number,
  makeTransport: (peer: string, stream: Duplex | undefined) => WebSocketTransport,
): Promise<Transport> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let peer = 'unknown';
    let stream: Duplex | undefined;
    const fail = (error: TransportError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.terminate();
      reject(error);
    };
    const timer = setTimeout(
      () =>
        fail(
          new TransportError(`cannot connect to ${url}: no answer within ${timeout} ms`, 'CONNECT_TIMEOUT'),
        ),
      timeout,
    );
    const onError = (err: Error & { code?: string }): void => {
      // ws fails the handshake with "Server sent no subprotocol" / "...an invalid subprotocol".
      if (err.message.startsWith('Server sent')) {
        return fail(
          new TransportError(
            `${url} did not pick one of the subprotocols we offered (${offered.join(', ')}): ${err.message}`,
            'SUBPROTOCOL',
          ),
        );
      }
      fail(connectFailure(url, err));
    };

    socket.on('error', onError);
    socket.once('upgrade', (res: IncomingMessage) => {
      peer = describePeer(res.socket, unixSocketPath(url));
      stream = res.socket;
    });
    socket.once('unexpected-response', (_req, res: IncomingMessage) => {
      readBody(res, (body) => {
        const reason = body.length > 0 ? `: ${body}` : '';
        fail(
          new TransportError(
            `${url} refused the WebSocket upgrade: HTTP ${res.statusCode}${reason}`,
            'UPGRADE_REFUSED',
          ),
        );
      });
    });
    socket.once('open', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('error', onError);
      try {
        resolve(makeTransport(peer, stream));
      } catch (err) {
        socket.terminate();
        reject(err);
      }
    });
  });
}

function readBody(res: IncomingMessage, done: (body: string) => void): void {
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    if (body.length < MAX_REFUSAL_BODY) body += chunk;
  });
  res.once('end', () => done(body.slice(0, MAX_REFUSAL_BODY).trim()));
  res.once('error', () => done(body.trim()));
}

/** `ws+unix:///tmp/s.sock:/ws` connects over a unix socket; its peer is that file. */
function unixSocketPath(url: string): string | undefined {
  if (!url.startsWith('ws+unix:')) return undefined;
  const rest = url.slice('ws+unix://'.length);
  const colon = rest.indexOf(':');
  return colon === -1 ? rest : rest.slice(0, colon);
}
