import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { defaultLogger, type Logger } from '../../logger';
import type { Serializer } from '../../protocol/serializer';
import { SERIALIZERS } from '../../protocol/serializers';
import { DEFAULT_CONNECT_TIMEOUT, DEFAULT_HOST, DEFAULT_MAX_MESSAGE_SIZE } from '../constants';
import { checkKeepAliveOptions, type KeepAliveOptions } from '../keepalive';
import type { Listener } from '../listener';
import { describePeer, urlHost } from '../peer';
import { checkMaxMessageSize } from '../problems';
import { closeAll, listenOn } from '../shutdown';
import type { ServerTlsOptions } from '../tls';
import { TransportError, type Transport } from '../transport';
import { lengthExponentOf, maxLengthOf, routerNegotiation, type Negotiate } from './handshake';
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
  /** RawSocket ping / pong heartbeat per connection; off when absent. */
  keepAlive?: KeepAliveOptions;
  /** Speak TLS; with `requestCert`, only clients with a certificate from `ca` get in. */
  tls?: ServerTlsOptions;
  /** Milliseconds a new connection has to send its handshake. Default 10 s. */
  handshakeTimeout?: number;
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
  const serializers = options.serializers ?? SERIALIZERS;
  const maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  const maxConnections = options.maxConnections ?? Number.POSITIVE_INFINITY;
  const handshakeTimeout = options.handshakeTimeout ?? DEFAULT_CONNECT_TIMEOUT;
  const logger = options.logger ?? defaultLogger();
  checkMaxMessageSize(maxMessageSize);
  checkKeepAliveOptions(options.keepAlive);
  if (!serializers.some((s) => s.rawSocketId !== undefined)) {
    throw new TransportError(
      `none of the serializers [${serializers.map((s) => s.name).join(', ')}] has a RawSocket id`,
    );
  }
  const lengthExponent = lengthExponentOf(maxMessageSize);
  const host = options.host ?? DEFAULT_HOST;

  /** Handshake done, link open: what `maxConnections` counts. */
  const open = new Set<RawSocketTransport>();
  /** Still in the handshake: closed too when the listener closes. */
  const handshaking = new Set<RawSocketTransport>();
  let accepting = true;

  const accept = (socket: Socket): void => {
    if (!accepting) return void socket.destroy();
    // Counted the moment the handshake succeeds, so two clients racing cannot both take the last slot.
    const negotiate = routerNegotiation(serializers, lengthExponent, () => open.size >= maxConnections);
    const counting: Negotiate = (octet, reserved) => {
      const outcome = negotiate(octet, reserved);
      if (outcome.ok) open.add(transport);
      return outcome;
    };
    const transport = new RawSocketTransport(socket, {
      peer: describePeer(socket, options.path),
      maxMessageSize: maxLengthOf(lengthExponent),
      negotiate: counting,
      keepAlive: options.keepAlive,
      logger,
    });
    handshaking.add(transport);
    const timer = setTimeout(
      () =>
        transport.abort(
          new TransportError(`no RawSocket handshake within ${handshakeTimeout} ms`, 'HANDSHAKE_TIMEOUT'),
        ),
      handshakeTimeout,
    );
    void transport.closed.then(() => open.delete(transport));
    transport.ready.then(
      () => {
        clearTimeout(timer);
        handshaking.delete(transport);
        handOver(transport);
      },
      (err: TransportError) => {
        clearTimeout(timer);
        handshaking.delete(transport);
        logger.debug({ peer: transport.peer, err }, 'RawSocket handshake failed');
      },
    );
  };

  const handOver = (transport: RawSocketTransport): void => {
    try {
      onTransport(transport);
    } catch (err) {
      logger.error({ err, peer: transport.peer }, 'onTransport threw; closing the new link');
      transport.close(1011, 'internal error');
    }
  };

  const server = createServer(options.tls, accept, logger);
  if (options.path !== undefined) {
    await removeStaleSocket(options.path);
    await listenOn(server, { path: options.path }, `unix:${options.path}`);
  } else {
    const scheme = options.tls ? 'rss' : 'rs';
    await listenOn(
      server,
      { host, port: options.port ?? 0 },
      `${scheme}://${urlHost(host)}:${options.port ?? 0}`,
    );
  }
  server.on('error', (err) => logger.error({ err }, 'RawSocket listener error'));

  const port = options.path === undefined ? (server.address() as { port: number }).port : undefined;
  let closing: Promise<void> | undefined;
  return {
    url:
      options.path !== undefined
        ? `unix:${options.path}`
        : `${options.tls ? 'rss' : 'rs'}://${urlHost(host)}:${port}`,
    port,
    path: options.path,
    close(): Promise<void> {
      closing ??= (async () => {
        accepting = false;
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const t of handshaking) t.terminate();
        await closeAll(open, 1001, 'server shutting down');
        await serverClosed;
        if (options.path !== undefined) await removeSocketFile(options.path);
      })();
      return closing;
    },
  };
}

function createServer(
  tls: ServerTlsOptions | undefined,
  accept: (socket: Socket) => void,
  logger: Logger,
): Server {
  if (tls === undefined) return createNetServer(accept);
  const server = createTlsServer(
    {
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
