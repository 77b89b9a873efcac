import type { Serializer } from '../protocol/serializer';
import { serializerByName } from '../protocol/serializers';
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

function serializerNamed(name: string | undefined): Serializer | undefined {
  if (name === undefined) return undefined;
  const serializer = serializerByName(name);
  if (serializer === undefined) throw new TransportError(`unknown serializer ${name}`, 'INVALID_SERIALIZER');
  return serializer;
}

/**
 * A transport factory over several router URLs, tried in turn (autobahn's `transports` list):
 * each attempt starts with the URL that worked last and goes on to the next when one cannot be
 * opened, so a reconnect fails over to another router. Throws `TransportError` at once for an
 * empty list or a bad URL; an attempt that reaches none rejects with a `TransportError` naming
 * each URL and why it failed.
 */
export function failoverTransport(urls: readonly string[], options: TransportOptions = {}): TransportFactory {
  if (urls.length === 0) throw new TransportError('no router URL given (an empty list)', 'INVALID_URL');
  const factories = urls.map((url) => transportFor(url, options));
  if (factories.length === 1) return factories[0];
  let current = 0;
  return async () => {
    const failures: string[] = [];
    let last: unknown;
    for (let i = 0; i < factories.length; i += 1) {
      const index = (current + i) % factories.length;
      try {
        const transport = await factories[index]();
        current = index;
        return transport;
      } catch (err) {
        last = err;
        failures.push(`${urls[index]}: ${(err as Error)?.message ?? String(err)}`);
        options.logger?.debug({ err, url: urls[index] }, 'router unreachable; trying the next URL');
      }
    }
    const code = last instanceof TransportError ? last.code : undefined;
    throw new TransportError(`no router reachable: ${failures.join('; ')}`, code, { cause: last });
  };
}
