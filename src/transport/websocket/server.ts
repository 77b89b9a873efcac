import {
  createServer as createHttpServer,
  STATUS_CODES,
  type IncomingMessage,
  type Server as HttpServer,
} from 'node:http';
import { createServer as createHttpsServer, Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { defaultLogger, type Logger } from '../../logger';
import type { Serializer } from '../../protocol/serializer';
import { SERIALIZERS } from '../../protocol/serializers';
import { DEFAULT_HOST, DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_WEBSOCKET_PATH } from '../constants';
import { checkKeepAliveOptions, type KeepAliveOptions } from '../keepalive';
import type { Listener } from '../listener';
import { describePeer, urlHost } from '../peer';
import { checkMaxMessageSize } from '../problems';
import { closeAll, listenOn } from '../shutdown';
import type { ServerTlsOptions } from '../tls';
import type { Transport } from '../transport';
import { parseSubprotocolHeader, selectSubprotocol, subprotocolsOf } from './subprotocol';
import { CloseCode, WebSocketTransport, websocketMaxPayload } from './transport';

/** Options of `listenWebSocket`. */
export interface WebSocketListenOptions {
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
  /** TCP port; 0 (the default) picks a free one, see `Listener.port`. */
  port?: number;
  /** URL path of the endpoint. Default `/ws`; other paths get HTTP 404. */
  path?: string;
  /** Serializers accepted, most preferred first. Default: every serializer wservice speaks. */
  serializers?: readonly Serializer[];
  /** Largest message accepted or sent, in bytes. Default 16 MiB. */
  maxMessageSize?: number;
  /** WebSocket ping / pong heartbeat per connection; off when absent. */
  keepAlive?: KeepAliveOptions;
  /** Serve `wss://`. */
  tls?: ServerTlsOptions;
  /**
   * Attach to an existing (listening) HTTP(S) server instead of starting one: `host`, `port`
   * and `tls` are then ignored, and `Listener.close` leaves that server running.
   */
  server?: HttpServer | HttpsServer;
  logger?: Logger;
}

/**
 * Accepts WAMP-over-WebSocket connections and hands each open transport to `onTransport`.
 *
 * The server picks the subprotocol it prefers (order of `serializers`) among those a client
 * offers, and refuses the upgrade with HTTP 400 when none matches or none is offered.
 *
 * @example
 * const listener = await listenWebSocket({ port: 8080 }, (transport) => router.accept(transport));
 */
export async function listenWebSocket(
  options: WebSocketListenOptions,
  onTransport: (transport: Transport) => void,
): Promise<Listener> {
  const serializers = options.serializers ?? SERIALIZERS;
  const maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  const path = options.path ?? DEFAULT_WEBSOCKET_PATH;
  const host = options.host ?? DEFAULT_HOST;
  const logger = options.logger ?? defaultLogger();
  checkMaxMessageSize(maxMessageSize);
  checkKeepAliveOptions(options.keepAlive);
  const spoken = subprotocolsOf(serializers).join(', ');

  const owned = options.server === undefined;
  const server = options.server ?? createServer(options.tls);
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: websocketMaxPayload(maxMessageSize),
    // Only reached for upgrades onUpgrade accepted, so a match exists.
    handleProtocols: (offered) => selectSubprotocol(offered, serializers)?.subprotocol ?? false,
  });
  const transports = new Set<WebSocketTransport>();
  let accepting = true;

  const accept = (socket: WebSocket, req: IncomingMessage, serializer: Serializer): void => {
    const transport = new WebSocketTransport(socket, {
      serializer,
      peer: describePeer(req.socket, unixPathOf(server)),
      maxMessageSize,
      keepAlive: options.keepAlive,
      logger,
    });
    transports.add(transport);
    void transport.closed.then(() => transports.delete(transport));
    try {
      onTransport(transport);
    } catch (err) {
      logger.error({ err, peer: transport.peer }, 'onTransport threw; closing the new link');
      transport.close(CloseCode.INTERNAL_ERROR, 'internal error');
    }
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const requested = pathOf(req.url);
    if (requested !== path) {
      // On a shared server another handler may own that path.
      if (!owned && server.listenerCount('upgrade') > 1) return;
      return refuseUpgrade(socket, 404, `no WebSocket endpoint at ${requested}; try ${path}`);
    }
    if (!accepting) return refuseUpgrade(socket, 503, 'server shutting down');
    const offered = parseSubprotocolHeader(req.headers['sec-websocket-protocol']);
    const serializer = selectSubprotocol(offered, serializers);
    if (serializer === undefined) {
      const what =
        offered.size === 0
          ? 'no WAMP subprotocol offered'
          : `no common subprotocol in [${[...offered].join(', ')}]`;
      logger.debug({ offered: [...offered] }, 'WebSocket upgrade refused: no common subprotocol');
      return refuseUpgrade(socket, 400, `${what}; this server speaks ${spoken}`);
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, req, serializer));
  };

  server.on('upgrade', onUpgrade);
  if (owned) {
    server.on('request', (req, res) => {
      const ours = pathOf(req.url) === path;
      res.writeHead(ours ? 426 : 404, {
        'Content-Type': 'text/plain',
        Connection: 'close',
        ...(ours ? { Upgrade: 'websocket' } : {}),
      });
      res.end(ours ? 'WAMP over WebSocket: upgrade required' : 'not found');
    });
    server.on('tlsClientError', (err) => logger.debug({ err }, 'TLS handshake with a client failed'));
    await listenOn(
      server,
      { host, port: options.port ?? 0 },
      `ws${options.tls ? 's' : ''}://${urlHost(host)}:${options.port ?? 0}${path}`,
    );
    server.on('error', (err) => logger.error({ err }, 'WebSocket listener error'));
  }

  const scheme = server instanceof HttpsServer ? 'wss' : 'ws';
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? (address as AddressInfo).port : undefined;
  const url =
    typeof address === 'string'
      ? `ws+unix://${address}:${path}`
      : `${scheme}://${urlHost(owned ? host : ((address as AddressInfo | null)?.address ?? host))}:${port ?? options.port ?? 0}${path}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    path,
    close(): Promise<void> {
      closing ??= (async () => {
        accepting = false;
        server.off('upgrade', onUpgrade);
        await closeAll(transports, CloseCode.GOING_AWAY, 'server shutting down');
        wss.close();
        if (owned) await closeServer(server);
      })();
      return closing;
    },
  };
}

function createServer(tls: ServerTlsOptions | undefined): HttpServer | HttpsServer {
  if (tls === undefined) return createHttpServer();
  return createHttpsServer({
    cert: tls.cert,
    key: tls.key,
    ca: tls.ca,
    requestCert: tls.requestCert ?? false,
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
  });
}

function closeServer(server: HttpServer | HttpsServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The path of a request target, without the query. */
function pathOf(target: string | undefined): string {
  if (target === undefined) return '/';
  const query = target.indexOf('?');
  return query === -1 ? target : target.slice(0, query);
}

function unixPathOf(server: HttpServer | HttpsServer): string | undefined {
  const address = server.address();
  return typeof address === 'string' ? address : undefined;
}

/** Answers an upgrade request with a plain HTTP error and a readable reason, then hangs up. */
function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.on('error', () => socket.destroy());
  const body = Buffer.from(reason);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${body.length}\r\n\r\n${reason}`,
  );
  socket.once('finish', () => socket.destroy());
}
