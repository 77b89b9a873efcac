import { connect, type Client } from '../client/connect';
import { DEFAULT_HOST, DEFAULT_REALM, DEFAULT_WEBSOCKET_PATH } from '../defaults';
import { createLogger } from '../logger';
import { Router } from '../router/router';
import type { RouterOptions } from '../router/options';
import type { ServiceContainer } from '../service/container';
import { readServiceDefinition } from '../service/metadata';
import { ServiceRunner, type ServiceRunnerOptions, type ServiceSpec } from '../service/runner';

/** A router for a test, on a free loopback port. */
export interface TestRouter {
  readonly router: Router;
  /** `ws://127.0.0.1:<port>/ws`. */
  readonly url: string;
  readonly realm: string;
  stop(): Promise<void>;
}

/** Listen on a free loopback port: tests run side by side. */
const FREE_PORT_WEBSOCKET: RouterOptions = {
  listeners: [{ type: 'websocket', host: DEFAULT_HOST, port: 0, path: DEFAULT_WEBSOCKET_PATH }],
};

/**
 * Starts an embedded router on a free loopback port (WebSocket, every serializer).
 *
 * @example
 * ```ts
 * const { url, stop } = await startTestRouter();
 * const client = await connect(url);
 * ```
 */
export async function startTestRouter(options: RouterOptions & { realm?: string } = {}): Promise<TestRouter> {
  const { realm = DEFAULT_REALM, ...routerOptions } = options;
  const router = await Router.start({ ...FREE_PORT_WEBSOCKET, ...routerOptions, logger: quietLogger() });
  const url = router.clientUrl;
  if (url === undefined) throw new Error('startTestRouter: the router has no listener');
  return { router, url, realm, stop: () => router.stop() };
}

/** Services running around their own router, and a client to call them. */
export interface TestSystem {
  readonly runner: ServiceRunner;
  /** A client connected to the same router and realm. */
  readonly client: Client;
  /** Where other clients (autobahn-js, a second `connect`) reach the router. */
  readonly url: string;
  /** Where the services' `@Http` routes are served (a free loopback port), when they have any. */
  readonly httpUrl?: string;
  readonly realm: string;
  /** The first instance of service `name`. */
  container(name: string): ServiceContainer;
  /** Every instance of service `name`. */
  instancesOf(name: string): ServiceContainer[];
  /** Closes the client, stops the services gracefully, then the router. */
  stop(): Promise<void>;
}

/**
 * Starts `services` in one call: an embedded router on a free port (services join it
 * in-process unless `inProcess: false`), every service started, a client connected.
 *
 * @example
 * ```ts
 * const system = await runServices([GreeterService]);
 * expect(await system.client.call('greeter.hello', ['Ada'])).toBe('Hello Ada');
 * await system.stop();
 * ```
 */
export async function runServices(
  services: ServiceSpec[],
  options: Omit<ServiceRunnerOptions, 'services'> = {},
): Promise<TestSystem> {
  const runner = await ServiceRunner.start({
    embedded: options.router === undefined ? FREE_PORT_WEBSOCKET : undefined,
    logger: quietLogger(),
    ...options,
    // A free port for the @Http routes, when there are any (the runner decides).
    http: options.http ?? (hasRoutes(services) ? { port: 0 } : undefined),
    services,
  });
  const url = runner.routerUrl;
  if (url === undefined) {
    await runner.stop();
    throw new Error('runServices: the router has no listener for the test client');
  }
  let client: Client;
  try {
    client = await connect({ url, realm: runner.realm, reconnect: false, tls: options.tls });
  } catch (err) {
    await runner.stop();
    throw err;
  }
  return {
    runner,
    client,
    url,
    ...(runner.httpUrl === undefined ? {} : { httpUrl: runner.httpUrl }),
    realm: runner.realm,
    container: (name) => runner.container(name),
    instancesOf: (name) => runner.instancesOf(name),
    stop: async () => {
      await client.close().catch(() => undefined);
      await runner.stop();
    },
  };
}

function hasRoutes(services: ServiceSpec[]): boolean {
  return services.some(
    (spec) => readServiceDefinition(typeof spec === 'function' ? spec : spec.service).routes.length > 0,
  );
}

/** Silent unless `WSERVICE_LOG_LEVEL` says otherwise. */
function quietLogger() {
  return createLogger({ level: (process.env.WSERVICE_LOG_LEVEL as 'silent' | undefined) ?? 'silent' });
}
