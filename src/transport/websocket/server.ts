import {
  createServer as createHttpServer,
  STATUS_CODES,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { defaultLogger, type Logger } from '../../logger';
import type { Serializer } from '../../protocol/serializer';
import { SERIALIZERS } from '../../protocol/serializers';
import { DEFAULT_HOST, DEFAULT_WEBSOCKET_PATH } from '../../defaults';
import { DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_OPEN_TIMEOUT } from '../constants';
import { checkKeepAliveOptions, keepAliveOf, type KeepAliveOptions } from '../keepalive';
import { PendingConnections, type PendingTicket } from '../pending';
import { describeCertificate, describePeer, urlHost } from '../peer';
import { OriginPolicy } from './origin';
import { checkMaxMessageSize } from '../problems';
import { closeAll, handOver, listenOn, type Listener } from '../listener';
import type { ServerTlsOptions } from '../tls';
import type { LinkInfo } from '../inprocess';
import type { Transport } from '../transport';
import { parseSubprotocolHeader, selectSubprotocol, subprotocolsOf } from './subprotocol';
import { CLOSE_TIMEOUT_OPTION, CloseCode, WebSocketTransport } from './transport';

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
  /**
   * Largest message accepted or sent, in bytes. Default 16 MiB. A larger inbound message is
   * refused on its frame header, before any of it is buffered: the owner's `oversize` hook
   * runs (the router sends ABORT), then the link closes with 1009.
   */
  maxMessageSize?: number;
  /** Ping a link silent for `interval` ms, drop it after `timeout` more. Default on (10 s, 10 s); `false` turns it off. */
  keepAlive?: KeepAliveOptions | false;
  /** Milliseconds a new connection has to complete the WebSocket upgrade (TLS included). Default 10 s. */
  openTimeout?: number;
  /** Milliseconds an inbound message may take from its first byte to its last. Default 30 s. */
  messageTimeout?: number;
  /** Unsent bytes above which a closing link is dropped at once. Default 64 MiB. */
  outboundLimit?: number;
  /**
   * The caps on connections not yet joined, shared by every listener of a router: a link
   * counts from its TCP accept until its owner calls `transport.joined()`. Absent, the
   * listener keeps its own caps (256 in all, 64 per address) and a link counts until it opens.
   */
  pending?: PendingConnections;
  /** Called as an unfinished inbound message grows (every 64 KiB more held): the buffer budget may pause the link. */
  onBuffering?: (transport: Transport) => void;
  /** Serve `wss://`. */
  tls?: ServerTlsOptions;
  /**
   * Attach to an existing (listening) HTTP(S) server instead of starting one: `host`, `port`
   * and `tls` are then ignored, and `Listener.close` leaves that server running.
   */
  server?: HttpServer | HttpsServer;
  /**
   * Web pages (by their `Origin` header) that may open connections. Clients that send no
   * Origin (every non-browser client) are always accepted. Default: pages served from
   * `localhost`, `127.0.0.1` or `[::1]` (any scheme and port); any other origin gets HTTP 403.
   * Entries are origins (`https://app.example.com`, `http://localhost:3000`), may use `*` for
   * any run of characters in one part (`https://*.example.com`, `http://localhost:*`), `null`
   * for pages without an origin (files, sandboxed frames), or `*` alone for every page.
   */
  allowedOrigins?: readonly string[];
  /**
   * Plain HTTP requests (not upgrades) to our own server, outside `path`: the owner answers
   * them (the router's HTTP bridge). Pages the Origin policy refuses get 403 first; the
   * connection no longer counts as pending (Node's header and request timeouts bound it).
   * Absent, such requests get 404.
   */
  onRequest?: (req: IncomingMessage, res: ServerResponse, link: LinkInfo) => void;
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
  const endpoint = new WebSocketEndpoint(options, onTransport);
  await endpoint.start();
  return endpoint;
}

/** One WebSocket endpoint: an HTTP(S) server (ours or the user's) and the links it accepted. */
class WebSocketEndpoint implements Listener {
  readonly path: string;
  port?: number;
  url = '';

  private readonly serializers: readonly Serializer[];
  private readonly maxMessageSize: number;
  private readonly host: string;
  private readonly logger: Logger;
  /** The subprotocols we speak, for refusal messages. */
  private readonly spoken: string;
  private readonly owned: boolean;
  private readonly server: HttpServer | HttpsServer;
  private readonly wss: WebSocketServer;
  private readonly transports = new Set<WebSocketTransport>();
  private readonly origins: OriginPolicy;
  private readonly pending: PendingConnections;
  /** Whether the owner calls `joined()` (a shared `pending`), or a link counts until it opens. */
  private readonly holdUntilJoined: boolean;
  private readonly openTimeout: number;
  private readonly keepAlive: KeepAliveOptions | undefined;
  /** Connections of our own server that have not upgraded yet. */
  private readonly opening = new Map<Duplex, { ticket: PendingTicket; timer: NodeJS.Timeout }>();
  private accepting = true;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly options: WebSocketListenOptions,
    private readonly onTransport: (transport: Transport) => void,
  ) {
    this.serializers = options.serializers ?? SERIALIZERS;
    this.maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    this.path = options.path ?? DEFAULT_WEBSOCKET_PATH;
    this.host = options.host ?? DEFAULT_HOST;
    this.logger = options.logger ?? defaultLogger();
    checkMaxMessageSize(this.maxMessageSize);
    checkKeepAliveOptions(options.keepAlive);
    this.keepAlive = keepAliveOf(options.keepAlive);
    this.openTimeout = options.openTimeout ?? DEFAULT_OPEN_TIMEOUT;
    this.holdUntilJoined = options.pending !== undefined;
    this.pending = options.pending ?? new PendingConnections({}, this.logger);
    this.spoken = subprotocolsOf(this.serializers).join(', ');
    this.origins = new OriginPolicy(options.allowedOrigins);
    this.owned = options.server === undefined;
    this.server = options.server ?? createServer(options.tls, this.openTimeout);
    this.wss = new WebSocketServer({
      ...CLOSE_TIMEOUT_OPTION,
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: this.maxMessageSize,
      // Only reached for upgrades onUpgrade accepted, so a match exists.
      handleProtocols: (offered) => selectSubprotocol(offered, this.serializers)?.subprotocol ?? false,
    });
  }

  async start(): Promise<void> {
    this.server.on('upgrade', this.onUpgrade);
    if (this.owned) {
      // With TLS, a connection is tracked once secured; the TLS handshake has its own timeout.
      this.server.on(this.options.tls ? 'secureConnection' : 'connection', this.trackConnection);
      this.server.on('request', (req, res) => this.answerPlainRequest(req, res));
      this.server.on('tlsClientError', (err) =>
        this.logger.debug({ err }, 'TLS handshake with a client failed'),
      );
      const port = this.options.port ?? 0;
      await listenOn(this.server, { host: this.host, port }, this.urlFor(this.host, port));
      this.server.on('error', (err) => this.logger.error({ err }, 'WebSocket listener error'));
    }
    const address = this.server.address();
    if (typeof address === 'string') {
      this.url = `ws+unix://${address}:${this.path}`;
    } else {
      this.port = address?.port;
      // On the user's server, name the interface it is bound to.
      const host = this.owned ? this.host : (address?.address ?? this.host);
      this.url = this.urlFor(host, this.port ?? 0);
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.accepting = false;
      this.server.off('upgrade', this.onUpgrade);
      for (const socket of [...this.opening.keys()]) socket.destroy();
      await closeAll(this.transports, CloseCode.GOING_AWAY, 'server shutting down');
      this.wss.close();
      if (this.owned) await closeServer(this.server);
    })();
    return this.closing;
  }

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const requested = pathOf(req.url);
    if (requested !== this.path) {
      // On a shared server another handler may own that path.
      if (!this.owned && this.server.listenerCount('upgrade') > 1) return;
      return refuseUpgrade(socket, 404, `no WebSocket endpoint at ${requested}; try ${this.path}`);
    }
    if (!this.accepting) return refuseUpgrade(socket, 503, 'server shutting down');
    const origin = req.headers.origin;
    if (origin !== undefined && !this.origins.allows(origin)) {
      // A web page the developer opened can reach 127.0.0.1: only listed origins may connect.
      this.logger.warn(
        { origin, peer: describePeer(req.socket) },
        'WebSocket upgrade refused: origin not allowed (see allowedOrigins)',
      );
      return refuseUpgrade(socket, 403, `origin ${origin} is not allowed on this endpoint`);
    }
    const offered = parseSubprotocolHeader(req.headers['sec-websocket-protocol']);
    const serializer = selectSubprotocol(offered, this.serializers);
    if (serializer === undefined) {
      const what =
        offered.size === 0
          ? 'no WAMP subprotocol offered'
          : `no common subprotocol in [${[...offered].join(', ')}]`;
      this.logger.debug({ offered: [...offered] }, 'WebSocket upgrade refused: no common subprotocol');
      return refuseUpgrade(socket, 400, `${what}; this server speaks ${this.spoken}`);
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req, socket, serializer));
  };

  /**
   * A new connection to our own server: it counts as pending, and must upgrade within
   * `openTimeout` (a socket that sends nothing, or a header a byte a second, is cut).
   */
  private readonly trackConnection = (socket: Socket): void => {
    const ticket = this.pending.add(socket.remoteAddress ?? 'unix', () => socket.destroy());
    const timer = setTimeout(() => {
      this.logger.debug({ address: socket.remoteAddress }, 'no WebSocket upgrade in time; closing');
      socket.destroy();
    }, this.openTimeout);
    timer.unref();
    this.opening.set(socket, { ticket, timer });
    socket.once('close', () => {
      clearTimeout(timer);
      ticket.done();
      this.opening.delete(socket);
    });
  };

  /** A connection that serves plain HTTP requests is no longer waiting to upgrade. */
  private release(stream: Duplex): void {
    const opening = this.opening.get(stream);
    if (opening === undefined) return;
    clearTimeout(opening.timer);
    opening.ticket.done();
    this.opening.delete(stream);
  }

  /** The pending ticket of an upgraded connection: ours since its accept, or a new one. */
  private ticketOf(stream: Duplex, req: IncomingMessage): PendingTicket {
    const opening = this.opening.get(stream);
    if (opening === undefined)
      return this.pending.add(req.socket.remoteAddress ?? 'unix', () => stream.destroy());
    clearTimeout(opening.timer);
    this.opening.delete(stream);
    return opening.ticket;
  }

  private accept(socket: WebSocket, req: IncomingMessage, stream: Duplex, serializer: Serializer): void {
    const ticket = this.ticketOf(stream, req);
    const transport = new WebSocketTransport(socket, {
      serializer,
      stream,
      peer: describePeer(req.socket, unixPathOf(this.server)),
      origin: req.headers.origin,
      peerCertificate: describeCertificate(req.socket),
      maxMessageSize: this.maxMessageSize,
      keepAlive: this.keepAlive,
      messageTimeout: this.options.messageTimeout,
      outboundLimit: this.options.outboundLimit,
      pending: ticket,
      onBuffering: this.options.onBuffering,
      logger: this.logger,
    });
    ticket.onEvict(() => transport.close(CloseCode.TRY_AGAIN_LATER, 'too many connections not yet joined'));
    this.transports.add(transport);
    void transport.closed.then(() => this.transports.delete(transport)); // closed never rejects
    if (!this.holdUntilJoined) ticket.done();
    handOver(transport, this.onTransport, this.logger);
  }

  /** A plain HTTP request (no upgrade) on our own server: 426 on our path, 404 elsewhere. */
  private answerPlainRequest(req: IncomingMessage, res: ServerResponse): void {
    const ours = pathOf(req.url) === this.path;
    const { onRequest } = this.options;
    if (!ours && onRequest !== undefined) {
      const origin = req.headers.origin;
      if (origin !== undefined && !this.origins.allows(origin)) {
        this.logger.warn(
          { origin, peer: describePeer(req.socket) },
          'HTTP request refused: origin not allowed (see allowedOrigins)',
        );
        res.writeHead(403, { 'Content-Type': 'text/plain', Connection: 'close' });
        res.end(`origin ${origin} is not allowed on this endpoint`);
        return;
      }
      this.release(req.socket);
      onRequest(req, res, {
        peer: describePeer(req.socket, unixPathOf(this.server)),
        ...(origin === undefined ? {} : { origin }),
        peerCertificate: describeCertificate(req.socket),
      });
      return;
    }
    res.writeHead(ours ? 426 : 404, {
      'Content-Type': 'text/plain',
      Connection: 'close',
      ...(ours ? { Upgrade: 'websocket' } : {}),
    });
    res.end(ours ? 'WAMP over WebSocket: upgrade required' : 'not found');
  }

  private urlFor(host: string, port: number): string {
    const scheme = this.server instanceof HttpsServer ? 'wss' : 'ws';
    return `${scheme}://${urlHost(host)}:${port}${this.path}`;
  }
}

function createServer(tls: ServerTlsOptions | undefined, openTimeout: number): HttpServer | HttpsServer {
  if (tls === undefined) return createHttpServer();
  return createHttpsServer({
    handshakeTimeout: openTimeout,
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
