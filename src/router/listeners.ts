import { readFileSync } from 'node:fs';
import { HttpBridge } from './bridge';
import { DashboardPages } from './dashboard';
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Logger } from '../logger';
import type { Serializer } from '../protocol/serializer';
import { serializerByName } from '../protocol/serializers';
import type {
  Listener,
  PendingConnections,
  ServerTlsOptions,
  Transport,
  WebSocketListenOptions,
} from '../transport';
import { isPemText, listenRawSocket, listenWebSocket } from '../transport';
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_WEBSOCKET_PATH } from '../defaults';
import {
  RouterOptionsError,
  type OptionPathSegment,
  type ListenerOptions,
  type SerializerName,
  type TlsOptions,
  type WebSocketListenerOptions,
} from './options';

/** A listener the router opened, as `router.listeners` reports it. */
export interface ListenerInfo {
  readonly type: ListenerOptions['type'];
  /** Where clients connect: `ws://127.0.0.1:8080/ws`, `rs://127.0.0.1:8081`, `unix:/tmp/wamp.sock`. */
  readonly url: string;
  /** The bound TCP port (the real one when the options said 0); absent for unix sockets. */
  readonly port?: number;
  /** The WebSocket path, or the unix socket file. */
  readonly path?: string;
}

/** What the router gives every listener. */
export interface ListenerSetup {
  maxMessageSize: number;
  openTimeout: number;
  messageTimeout: number;
  /** The router's `outboundHardLimit`: PONGs count against it too. */
  outboundLimit: number;
  /** Shared by every listener: the router says when a link joined (`transport.joined()`). */
  pending: PendingConnections;
  /** An unfinished inbound message grew: the router checks its buffer budget. */
  onBuffering: (transport: Transport) => void;
  logger: Logger;
  onTransport: (transport: Transport) => void;
}

/**
 * The listener's plain-request handler, when the options ask for the dashboard or the HTTP
 * bridge: the dashboard's paths first, everything else to the bridge (or 404).
 */
function plainRequestsOf(
  options: WebSocketListenerOptions,
  setup: ListenerSetup,
): Pick<WebSocketListenOptions, 'onRequest'> {
  if (options.bridge === undefined && options.dashboard === undefined) return {};
  const bridge =
    options.bridge === undefined
      ? undefined
      : new HttpBridge(options.bridge === true ? {} : options.bridge, setup.onTransport, setup.logger);
  const dashboard =
    options.dashboard === undefined
      ? undefined
      : new DashboardPages(
          options.dashboard === true ? {} : options.dashboard,
          options.path ?? DEFAULT_WEBSOCKET_PATH,
        );
  return {
    onRequest: (req, res, link) => {
      if (dashboard?.serve(req, res) === true) return;
      if (bridge !== undefined) return bridge.serve(req, res, link);
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    },
  };
}

/** The user's HTTP(S) server a WebSocket endpoint attaches to (`router.listenOn`). */
export type SharedServer = HttpServer | HttpsServer;

/**
 * Opens one listener of the router options; with `server`, a WebSocket endpoint on that
 * server (its `host`, `port` and `tls` are the server's).
 */
export async function openListener(
  options: ListenerOptions,
  index: number,
  setup: ListenerSetup,
  server?: SharedServer,
): Promise<{ info: ListenerInfo; listener: Listener }> {
  const common = {
    serializers: serializersOf(options.serializers, index),
    maxMessageSize: setup.maxMessageSize,
    messageTimeout: setup.messageTimeout,
    outboundLimit: setup.outboundLimit,
    pending: setup.pending,
    onBuffering: setup.onBuffering,
    keepAlive: options.keepAlive,
    tls: options.tls === undefined ? undefined : readTls(options.tls, ['listeners', index, 'tls']),
    logger: setup.logger,
  };
  if (options.type === 'websocket') {
    const listener = await listenWebSocket(
      {
        ...common,
        host: options.host ?? DEFAULT_HOST,
        port: options.port ?? DEFAULT_PORT,
        path: options.path ?? DEFAULT_WEBSOCKET_PATH,
        allowedOrigins: options.allowedOrigins,
        openTimeout: setup.openTimeout,
        ...plainRequestsOf(options, setup),
        server,
      },
      setup.onTransport,
    );
    return { info: describe('websocket', listener), listener };
  }
  const bind =
    options.path !== undefined
      ? { path: options.path }
      : { host: options.host ?? DEFAULT_HOST, port: options.port ?? 0 };
  const listener = await listenRawSocket(
    { ...common, ...bind, handshakeTimeout: setup.openTimeout },
    setup.onTransport,
  );
  return { info: describe('rawsocket', listener), listener };
}

function describe(type: ListenerOptions['type'], listener: Listener): ListenerInfo {
  return { type, url: listener.url, port: listener.port, path: listener.path };
}

function serializersOf(names: SerializerName[] | undefined, index: number): Serializer[] | undefined {
  if (names === undefined) return undefined;
  return names.map((name, i) => {
    const serializer = serializerByName(name);
    if (serializer === undefined) {
      throw new RouterOptionsError(
        ['listeners', index, 'serializers', i],
        `serializer "${name}" is not available`,
      );
    }
    return serializer;
  });
}

/** TLS material: PEM text as is, anything else read as a file path. */
function readTls(tls: TlsOptions, key: OptionPathSegment[]): ServerTlsOptions {
  return {
    cert: pem(tls.cert, [...key, 'cert']),
    key: pem(tls.key, [...key, 'key']),
    ca: tls.ca === undefined ? undefined : pem(tls.ca, [...key, 'ca']),
    requestCert: tls.requestCert ?? false,
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
  };
}

function pem(value: string, key: OptionPathSegment[]): string {
  if (isPemText(value)) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (error) {
    throw new RouterOptionsError(key, `cannot read "${value}": ${(error as Error).message}`);
  }
}
