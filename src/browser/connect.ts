import { Client } from '../client/client';
import { Connection, type ConnectionOptions, type TransportFactory } from '../client/connection';
import { failoverOf, serializerNamed } from '../client/transport-choice';
import { DEFAULT_REALM, DEFAULT_ROUTER_URL } from '../defaults';
import { connectBrowserWebSocket, type BrowserWebSocketOptions } from './websocket';

/** Options of the browser's `connect`: the router URL, the realm, credentials, reconnect settings. */
export interface BrowserConnectOptions
  extends Omit<ConnectionOptions, 'transport' | 'realm'>, Omit<BrowserWebSocketOptions, 'serializers'> {
  /**
   * `ws://` or `wss://` URL, or a path such as `/ws` on the page's own host (`wss://` under
   * https). Default `ws://127.0.0.1:8080/ws`. A list is tried in turn with failover.
   */
  url?: string | readonly string[];
  /** Default `realm1`. */
  realm?: string;
  /** `json`, `msgpack` or `cbor`. Default: all offered, the router picks (json first). */
  serializer?: string;
  /** Opens transports some other way; `url` and the WebSocket options are then unused. */
  transport?: TransportFactory;
}

/**
 * Connects to a router with the browser's own WebSocket and joins a realm; resolves once
 * joined. The same `Client` as on Node: `call`, `proxy`, `subscribe`, `publish`, `rpc`.
 *
 * @example
 * const client = await connect({ url: 'ws://127.0.0.1:8080/ws', realm: 'realm1' });
 * const order = await client.call('orders.place', [], { sku: 'tea', quantity: 1 });
 */
export async function connect(target: string | BrowserConnectOptions = {}): Promise<Client> {
  const options = typeof target === 'string' ? { url: target } : target;
  const url = options.url ?? DEFAULT_ROUTER_URL;
  const urls = typeof url === 'string' ? [url] : url;
  const transport = options.transport ?? browserTransport(urls, options);
  const connection = new Connection({ ...options, realm: options.realm ?? DEFAULT_REALM, transport });
  await connection.open();
  return new Client(connection);
}

function browserTransport(urls: readonly string[], options: BrowserConnectOptions): TransportFactory {
  const serializer = serializerNamed(options.serializer);
  const serializers = serializer && [serializer];
  const socketOptions = { ...options, serializers };
  return failoverOf(
    urls,
    (url) => {
      const absolute = absoluteUrl(url);
      return () => connectBrowserWebSocket(absolute, socketOptions);
    },
    options.logger,
  );
}

/** A path (`/ws`) is on the page's own host, `wss:` under `https:`. */
function absoluteUrl(url: string): string {
  const page = (globalThis as { location?: { href: string } }).location;
  if (/^wss?:/i.test(url) || page === undefined) return url;
  const resolved = new URL(url, page.href);
  resolved.protocol = resolved.protocol === 'https:' ? 'wss:' : 'ws:';
  return resolved.href;
}
