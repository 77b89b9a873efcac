import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { defaultLogger, type Logger } from '../../logger';
import type { Serializer } from '../../protocol/serializer';
import { SERIALIZERS } from '../../protocol/serializers';
import { DEFAULT_HOST } from '../../defaults';
import { DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_OPEN_TIMEOUT } from '../constants';
import { checkKeepAliveOptions, keepAliveOf, type KeepAliveOptions } from '../keepalive';
import { PendingConnections } from '../pending';
import { describeCertificate, describePeer, urlHost } from '../peer';
import { checkMaxMessageSize } from '../problems';
import { closeAll, handOver, listenOn, type Listener } from '../listener';
import type { ServerTlsOptions } from '../tls';
import { TransportError, type Transport } from '../transport';
import { lengthExponentOf, maxLengthOf, routerNegotiation } from './handshake';
import { RawSocketTransport } from './transport';
import { removeSocketFile, removeStaleSocket } from './unix';

/** Where a RawSocket listener binds: a TCP interface and port, or a unix socket file. */
export type RawSocketBind =
  { host?: string; port?: number; path?: undefined } | { path: string; host?: undefined; port?: undefined };

/** Options of `listenRawSocket`. */
export type RawSocketListenOptions = RawSocketBind & {
  /** Serializers accepted. Default: every serializer wservice speaks. */
  serializers?: readonly Serializer[];
  /** Largest message we accept, rounded down to a power of two in 512..16 MiB. Default 16 MiB. */
  maxMessageSize?: number;
  /** Open connections allowed; further clients are refused in the handshake (error 4). */
  maxConnections?: number;
  /** PING a link silent for `interval` ms, drop it after `timeout` more. Default on (10 s, 10 s); `false` turns it off. */
  keepAlive?: KeepAliveOptions | false;
  /** Speak TLS; with `requestCert`, only clients with a certificate from `ca` get in. */
  tls?: ServerTlsOptions;
  /** Milliseconds a new connection has to send its handshake (TLS included). Default 10 s. */
  handshakeTimeout?: number;
  /** Milliseconds an inbound frame may take from its first byte to its last. Default 30 s. */
  messageTimeout?: number;
  /** Unsent bytes (messages and PONGs) above which a link is dropped. Default 64 MiB. */
  outboundLimit?: number;
  /** Caps on connections not yet joined; see `WebSocketListenOptions.pending`. */
  pending?: PendingConnections;
  /** Called as an unfinished inbound frame grows (every 64 KiB more held): the buffer budget may pause the link. */
  onBuffering?: (transport: Transport) => void;
  logger?: Logger;
};

/**
 * Accepts WAMP-over-RawSocket connections on TCP (`host`, `port`; 0 picks a free port) or a
 * unix socket (`path`; a stale socket file is removed first and the file is removed on
 * close), optionally over TLS. Each connection that completes the handshake is handed to
 * `onTransport`.
 *
 * @example const listener = await listenRawSocket({ port: 8081 }, (t) => router.accept(t));
 */
export async function listenRawSocket(
  options: RawSocketListenOptions,
  onTransport: (transport: Transport) => void,
): Promise<Listener> {
  const endpoint = new RawSocketEndpoint(options, onTransport);
  await endpoint.start();
  return endpoint;
}

/** One RawSocket endpoint: a TCP, TLS or unix socket server and the links it accepted. */
class RawSocketEndpoint implements Listener {
  readonly path?: string;
  port?: number;
  url = '';

  private readonly serializers: readonly Serializer[];
  private readonly maxConnections: number;
  private readonly handshakeTimeout: number;
  private readonly lengthExponent: number;
  private readonly logger: Logger;
  private readonly server: Server;
  /** Handshake done, link open: what `maxConnections` counts. */
  private readonly open = new Set<RawSocketTransport>();
  /** Still in the handshake: cut when the listener closes. */
  private readonly handshaking = new Set<RawSocketTransport>();
  private readonly pending: PendingConnections;
  private readonly holdUntilJoined: boolean;
  private readonly keepAlive: KeepAliveOptions | undefined;
  private accepting = true;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly options: RawSocketListenOptions,
    private readonly onTransport: (transport: Transport) => void,
  ) {
    this.serializers = options.serializers ?? SERIALIZERS;
    const maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    this.maxConnections = options.maxConnections ?? Number.POSITIVE_INFINITY;
    this.handshakeTimeout = options.handshakeTimeout ?? DEFAULT_OPEN_TIMEOUT;
    this.logger = options.logger ?? defaultLogger();
    checkMaxMessageSize(maxMessageSize);
    checkKeepAliveOptions(options.keepAlive);
    this.keepAlive = keepAliveOf(options.keepAlive);
    this.holdUntilJoined = options.pending !== undefined;
    this.pending = options.pending ?? new PendingConnections({}, this.logger);
    if (!this.serializers.some((s) => s.rawSocketId !== undefined)) {
      const names = this.serializers.map((s) => s.name).join(', ');
      throw new TransportError(`none of the serializers [${names}] has a RawSocket id`);
    }
    this.lengthExponent = lengthExponentOf(maxMessageSize);
    this.path = options.path;
    this.server = createServer(
      options.tls,
      this.handshakeTimeout,
      (socket) => this.accept(socket),
      this.logger,
    );
  }

  async start(): Promise<void> {
    if (this.options.path !== undefined) {
      const path = this.options.path;
      this.url = `unix:${path}`;
      await removeStaleSocket(path);
      await listenOn(this.server, { path }, this.url);
    } else {
      const host = this.options.host ?? DEFAULT_HOST;
      const scheme = this.options.tls ? 'rss' : 'rs';
      await listenOn(
        this.server,
        { host, port: this.options.port ?? 0 },
        `${scheme}://${urlHost(host)}:${this.options.port ?? 0}`,
      );
      this.port = (this.server.address() as AddressInfo).port;
      this.url = `${scheme}://${urlHost(host)}:${this.port}`;
    }
    this.server.on('error', (err) => this.logger.error({ err }, 'RawSocket listener error'));
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.accepting = false;
      const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      for (const t of this.handshaking) t.terminate();
      await closeAll(this.open, 1001, 'server shutting down');
      await serverClosed;
      if (this.options.path !== undefined) await removeSocketFile(this.options.path);
    })();
    return this.closing;
  }

  private accept(socket: Socket): void {
    if (!this.accepting) return void socket.destroy();
    const negotiate = routerNegotiation(
      this.serializers,
      this.lengthExponent,
      () => this.open.size >= this.maxConnections,
    );
    const ticket = this.pending.add(socket.remoteAddress ?? 'unix', () => socket.destroy());
    const transport: RawSocketTransport = new RawSocketTransport(socket, {
      peer: describePeer(socket, this.options.path),
      peerCertificate: describeCertificate(socket),
      maxMessageSize: maxLengthOf(this.lengthExponent),
      // Counted the moment the handshake succeeds, so two clients racing cannot both take the last slot.
      negotiate: (octet, reserved) => {
        const outcome = negotiate(octet, reserved);
        if (outcome.ok) this.open.add(transport);
        return outcome;
      },
      keepAlive: this.keepAlive,
      messageTimeout: this.options.messageTimeout,
      outboundLimit: this.options.outboundLimit,
      pending: ticket,
      onBuffering: this.options.onBuffering,
      logger: this.logger,
    });
    ticket.onEvict(() => transport.close(1013, 'too many connections not yet joined'));
    this.handshaking.add(transport);
    void transport.closed.then(() => this.open.delete(transport)); // closed never rejects
    const timer = setTimeout(() => {
      transport.abort(
        new TransportError(`no RawSocket handshake within ${this.handshakeTimeout} ms`, 'HANDSHAKE_TIMEOUT'),
      );
    }, this.handshakeTimeout);
    transport.ready.then(
      () => {
        clearTimeout(timer);
        this.handshaking.delete(transport);
        if (!this.holdUntilJoined) ticket.done();
        handOver(transport, this.onTransport, this.logger);
      },
      (err: TransportError) => {
        clearTimeout(timer);
        this.handshaking.delete(transport);
        this.logger.debug({ peer: transport.peer, err }, 'RawSocket handshake failed');
      },
    );
  }
}

function createServer(
  tls: ServerTlsOptions | undefined,
  handshakeTimeout: number,
  accept: (socket: Socket) => void,
  logger: Logger,
): Server {
  if (tls === undefined) return createNetServer(accept);
  const server = createTlsServer(
    {
      handshakeTimeout,
      cert: tls.cert,
      key: tls.key,
      ca: tls.ca,
      requestCert: tls.requestCert ?? false,
      rejectUnauthorized: tls.rejectUnauthorized ?? true,
    },
    accept,
  );
  server.on('tlsClientError', (err) => logger.debug({ err }, 'TLS handshake with a client failed'));
  return server;
}
