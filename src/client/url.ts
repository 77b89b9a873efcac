import {
  connectRawSocket,
  connectWebSocket,
  readClientTls,
  TransportError,
  type ClientTlsOptions,
  type KeepAliveOptions,
} from '../transport';
import type { Logger } from '../logger';
import type { TransportFactory } from './connection';
import { failoverOf, serializerNamed } from './transport-choice';

/**
 * Where a router listens, as a URL:
 * - `ws://host:port/path`, `wss://host:port/path`: WebSocket, plain or TLS;
 * - `rs://host:port`, `rss://host:port`: RawSocket over TCP, plain or TLS (IPv6 as `rs://[::1]:8081`);
 * - `unix:/path/to.sock` (or `unix:///path/to.sock`): RawSocket over a unix socket.
 */
export type RouterAddress =
  | { kind: 'websocket'; url: string }
  | { kind: 'rawsocket'; host: string; port: number; tls: boolean }
  | { kind: 'unix'; path: string };

/** Reads a router URL; throws `TransportError` (code `INVALID_URL`) saying what is wrong. */
export function parseRouterUrl(url: string): RouterAddress {
  const invalid = (why: string) => new TransportError(`invalid router URL ${url}: ${why}`, 'INVALID_URL');
  if (url.startsWith('unix:')) {
    const path = url.slice('unix:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw invalid('the socket path is missing');
    return { kind: 'unix', path };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('not a URL (ws://, wss://, rs://, rss:// or unix:)');
  }
  switch (parsed.protocol) {
    case 'ws:':
    case 'wss:':
      return { kind: 'websocket', url };
    case 'rs:':
    case 'rss:': {
      const port = Number(parsed.port);
      if (parsed.hostname === '' || parsed.port === '') throw invalid('RawSocket needs host:port');
      if (parsed.pathname !== '' && parsed.pathname !== '/') throw invalid('RawSocket URLs have no path');
      const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
      return { kind: 'rawsocket', host, port, tls: parsed.protocol === 'rss:' };
    }
    default:
      throw invalid(`unknown scheme ${parsed.protocol} (ws://, wss://, rs://, rss:// or unix:)`);
  }
}

/** How to open the transport of a router URL. */
export interface TransportOptions {
  /** `json`, `msgpack` or `cbor`. WebSocket offers all by default; RawSocket asks for JSON. */
  serializer?: string;
  /** TLS for `wss://` and `rss://`: a private CA, a client certificate and key (PEM text or file paths). */
  tls?: ClientTlsOptions;
  /** Largest message in either direction, in bytes. */
  maxMessageSize?: number;
  /** Milliseconds to get a link up. */
  connectTimeout?: number;
  /** Ping / pong heartbeat. */
  keepAlive?: KeepAliveOptions;
  /** Extra HTTP headers of the WebSocket handshake. */
  headers?: Record<string, string>;
  logger?: Logger;
}

/** A transport factory for a router URL. Throws `TransportError` at once for a bad URL or serializer. */
export function transportFor(url: string, options: TransportOptions = {}): TransportFactory {
  const address = parseRouterUrl(url);
  const serializer = serializerNamed(options.serializer);
  // Read once: a TLS file that is missing fails here, at once, as a bad URL does.
  const tls = options.tls === undefined ? undefined : readClientTls(options.tls);
  const { maxMessageSize, connectTimeout, keepAlive, logger } = options;
  const common = { maxMessageSize, connectTimeout, keepAlive, logger };
  switch (address.kind) {
    case 'websocket': {
      const serializers = serializer && [serializer];
      return () => connectWebSocket(address.url, { ...common, serializers, tls, headers: options.headers });
    }
    case 'rawsocket': {
      const { host, port } = address;
      // connectRawSocket speaks TLS exactly when it gets TLS options: rss:// always, rs:// never.
      const tlsOptions = address.tls ? (tls ?? {}) : undefined;
      return () => connectRawSocket({ ...common, host, port, serializer, tls: tlsOptions });
    }
    case 'unix':
      return () => connectRawSocket({ ...common, path: address.path, serializer });
  }
}

/**
 * The router URLs of a list as written anywhere one is taken (`connect`, `--router`, the
 * configuration's `router.url`, `WSERVICE_ROUTER`): one URL, several separated by commas, or a
 * list of either.
 * @example routerUrls('ws://a:8080/ws, ws://b:8080/ws') // ['ws://a:8080/ws', 'ws://b:8080/ws']
 */
export function routerUrls(value: string | readonly string[]): string[] {
  const items = typeof value === 'string' ? [value] : value;
  return items.flatMap((item) => item.split(',').map((url) => url.trim())).filter((url) => url !== '');
}

/**
 * A transport factory over several router URLs, tried in turn (autobahn's `transports` list):
 * each attempt starts with the URL that worked last and passes over a URL whose transport cannot
 * be opened, or (through `refused`, which `Connection` calls) whose router refuses the join, so a
 * reconnect fails over to another router. Throws `TransportError` at once for an empty list or a
 * bad URL. An attempt that joins none rejects with an error naming each URL and why it was passed
 * over: a `SessionClosedError` with the routers' reason when every one refused the join for the
 * same reason, else a `TransportError` (see `failoverOf`).
 */
export function failoverTransport(urls: readonly string[], options: TransportOptions = {}): TransportFactory {
  return failoverOf(urls, (url) => transportFor(url, options), options.logger);
}
