import { DEFAULT_REALM, DEFAULT_ROUTER_URL } from '../defaults';
import { Client } from './client';
import { Connection, type ConnectionOptions, type TransportFactory } from './connection';
import { failoverTransport, routerUrls, type TransportOptions } from './url';

export { DEFAULT_REALM, DEFAULT_ROUTER_URL };
export { Client, type RemoteProcedure } from './client';

/** Options of `connect`: the router URL, the realm, credentials, transport and reconnect settings. */
export interface ConnectOptions extends Omit<ConnectionOptions, 'transport' | 'realm'>, TransportOptions {
  /**
   * `ws://`, `wss://`, `rs://host:port`, `rss://host:port` or `unix:/path/to.sock` (see
   * `RouterAddress`). Default: `WSERVICE_ROUTER`, else `ws://127.0.0.1:8080/ws`. A list (or
   * URLs separated by commas) is tried in turn with failover (autobahn's `transports`), past
   * routers that cannot be reached or refuse the join: see `failoverTransport`.
   */
  url?: string | readonly string[];
  /** Default: `WSERVICE_REALM`, else `realm1`. */
  realm?: string;
  /** Opens transports some other way (an in-process link); `url` and transport options are then unused. */
  transport?: TransportFactory;
}

/**
 * Connects to a router and joins a realm; resolves once joined. A URL alone uses the default
 * realm. Rejects when the first attempt fails (see `ConnectionOptions.retryFirstConnect`).
 *
 * @example
 * const client = await connect('ws://127.0.0.1:8080/ws');
 * const text = await client.proxy<GreeterService>('greeter').hello('Ada');
 * await client.close();
 * @example await connect({ url: 'rss://router.example:8081', realm: 'prod', authid: 'svc', secret, tls: { ca } });
 */
export async function connect(target: string | ConnectOptions = {}): Promise<Client> {
  const options = typeof target === 'string' ? { url: target } : target;
  const url = options.url ?? nonEmpty(process.env.WSERVICE_ROUTER) ?? DEFAULT_ROUTER_URL;
  const realm = options.realm ?? nonEmpty(process.env.WSERVICE_REALM) ?? DEFAULT_REALM;
  const transport = options.transport ?? failoverTransport(routerUrls(url), options);
  const connection = new Connection({ ...options, realm, transport });
  await connection.open();
  return new Client(connection);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
