import { container as rootContainer, type DependencyContainer, type InjectionToken } from 'tsyringe';
import { reconnectPolicy, type ReconnectOptions } from '../client/backoff';
import type { TransportFactory } from '../client/connection';
import { failoverTransport, routerUrls } from '../client/url';
import type { AuthOptions } from '../client/auth';
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_REALM, DEFAULT_WEBSOCKET_PATH } from '../defaults';
import { defaultLogger, type Logger } from '../logger';
import { Router } from '../router/router';
import type { UriReservation } from '../router/authorizer';
import { validateRouterOptions, type RouterOptions } from '../router/options';
import type { WServiceMetrics } from '../observability/metrics';
import { publishMetricsSnapshot } from '../observability/snapshot';
import type { WServiceTracing } from '../observability/tracing';
import { METRICS, MetricsProvider } from '../observability/service-provider';
import { createInProcessPair } from '../transport/inprocess';
import type { ClientTlsOptions } from '../transport/tls';
import { publishContracts } from '../contracts/publish';
import { CallLogger } from './call-logger';
import { readServiceCredentials, type CredentialSources } from './credentials';
import { HttpServer, type HttpServerOptions } from './http/server';
import { checkConflicts } from './conflicts';
import { ServiceContainer, type ServiceOverrides } from './container';
import type { ServiceClass, ServiceDefinition } from './definition';
import { poolProcedure } from './entrypoints/subscribe';
import { checkHookTimeouts, type HookTimeouts } from './lifecycle';
import { readServiceDefinition } from './metadata';
import { ServiceLookupError, ServiceOptionsError } from './runtime-errors';

/** A service class, or one with how many copies to run. */
export type ServiceSpec = ServiceClass | { service: ServiceClass; instances?: number };

/** Per-service settings from configuration, keyed by service name. */
export interface PerServiceOptions extends ServiceOverrides {
  instances?: number;
  /** Credentials of this service's sessions, instead of `auth`. */
  auth?: AuthOptions;
  /** What the service can inject as `SETTINGS`. */
  settings?: Record<string, unknown>;
}

export interface ServiceRunnerOptions {
  services: ServiceSpec[];
  /**
   * An external router (`ws://`, `wss://`, `rs://`, `rss://`, `unix:`), or several (a list, or
   * URLs separated by commas) tried in turn with failover as `connect()` does. Absent: run the
   * embedded router.
   */
  router?: string | readonly string[];
  /** Default `realm1`. */
  realm?: string;
  /** Credentials of every service's session (authid is the service name unless given). */
  auth?: AuthOptions;
  /** TLS for `wss://` / `rss://` routers. */
  tls?: ClientTlsOptions;
  /**
   * With an external `router`: each service joins with its own credential when it has one
   * (`readServiceCredentials`: `WSERVICE_<NAME>_PRIVATE_KEY`, `WSERVICE_<NAME>_SECRET`, or
   * `<dir>/<name>.key`), over `auth`; `perService.<name>.auth` still wins. Default: not looked up.
   */
  credentials?: CredentialSources;
  /**
   * The embedded router's options. Default: one WebSocket listener on 127.0.0.1:8080/ws
   * (`listeners: []` for none: services then only talk in-process).
   */
  embedded?: RouterOptions;
  /**
   * A router already running in this process to serve the services (in-process), instead of
   * starting one; `stop()` leaves it running. `wservice run --watch` restarts services this way.
   */
  routerInstance?: Router;
  /**
   * Services connect to the embedded router in-process, skipping sockets and serialization
   * (external clients still use its listeners). Default true.
   */
  inProcess?: boolean;
  /**
   * In-process services' calls to each other go from the caller's proxy through the dealer
   * straight to the callee's method, without WAMP messages, when nothing needs them (no
   * timeout, cancel or progress asked for, no message hooks; docs/architecture.md). False: every call crosses the link as messages.
   * Results and errors are the same either way. Default true.
   */
  directCalls?: boolean;
  /**
   * Refuse two classes with one service name or two services claiming one procedure, and warn
   * of proxies to services no class here declares. Default true; `wservice run` checks across
   * all its files itself.
   */
  checkConflicts?: boolean;
  /**
   * Register `<service>.describe`, `wservice.describe.<service>` and `wservice.describe`,
   * answering each service's contract as JSON Schema. Default true.
   */
  describe?: boolean;
  /** By service name: instances, limits, auth, settings. */
  perService?: Record<string, PerServiceOptions>;
  logger?: Logger;
  /** The DI root; each service gets a child of it. Default: a child of tsyringe's global container. */
  di?: DependencyContainer;
  /** Dependency providers for every service, before each service's own. */
  providers?: ServiceClass[];
  /** Log every entrypoint call (the `CallLogger` provider). Default true. */
  callLogging?: boolean;
  /**
   * Prometheus metrics of every service (and of the embedded router, if the runner starts
   * one) into this registry holder; serve it with `startMetricsServer`.
   */
  metrics?: WServiceMetrics;
  /**
   * Register `wservice.metrics.snapshot` and this process's `wservice.metrics.snapshot.<key>`,
   * answering the per-procedure totals of `metrics` as JSON (what the dashboard charts). Needs
   * `metrics`. Default false.
   */
  publishMetrics?: boolean;
  /**
   * OpenTelemetry spans of every service: per outbound call, invocation, publication and
   * event, the W3C trace context carried in `x_traceparent`. Default none (no span at all).
   */
  tracing?: WServiceTracing;
  /**
   * Deadlines of every service's lifecycle hooks in ms (`onStart`, `onStop`, each provider's
   * `start` and `stop`, entrypoints, dispose, leave); `perService.<name>.hookTimeouts` wins.
   * Defaults: `DEFAULT_HOOK_TIMEOUTS`.
   */
  hookTimeouts?: Partial<HookTimeouts>;
  /** Reconnect policy of each service's connection; `false` never retries. */
  reconnect?: ReconnectOptions | false;
  /** Keep retrying while an external router is not up yet, instead of failing at start. */
  waitForRouter?: boolean;
  /**
   * The HTTP server of the services' `@Http` routes: where it listens (`port`, `host`,
   * `maxBodyBytes`). Default: 127.0.0.1:8000 when a service has a route, else none; `false`
   * serves no routes even then.
   */
  http?: HttpServerOptions | false;
  /**
   * An HTTP server shared with other runners (`wservice run` runs one per file) that serves
   * these services' routes too, instead of starting one; it is the caller's to listen and close.
   * @internal
   */
  httpServer?: HttpServer;
  /**
   * Dependencies to replace, by service name (nameko's `replace_dependencies`), e.g. a fake
   * proxy in a test: `{ orders: [[rpcProxy('payments'), fakePayments]] }`.
   */
  replace?: Record<string, Array<[InjectionToken<unknown>, unknown]>>;
}

/** The default embedded router: Crossbar.io's usual `ws://127.0.0.1:8080/ws`. */
const DEFAULT_EMBEDDED: RouterOptions = {
  listeners: [{ type: 'websocket', host: DEFAULT_HOST, port: DEFAULT_PORT, path: DEFAULT_WEBSOCKET_PATH }],
};

/**
 * Runs services: one DI root with a child container per service, one `ServiceContainer` per
 * instance, and the embedded router when no router URL is given (nameko's ServiceRunner).
 *
 * @example
 * ```ts
 * const runner = await ServiceRunner.start({ services: [GreeterService, { service: Worker, instances: 3 }] });
 * console.log(runner.routerUrl);   // ws://127.0.0.1:8080/ws
 * await runner.stop();
 * ```
 */
export class ServiceRunner {
  /** Every running service instance, in the order given. */
  readonly containers: readonly ServiceContainer[];
  /** Ends the metrics' view of each instance on stop. */
  private readonly unwatch: (() => void)[] = [];

  private constructor(
    containers: ServiceContainer[],
    /** The embedded router serving these services, if any. */
    readonly router: Router | undefined,
    /** True when this runner started the router and stops it in `stop()`. */
    private readonly ownsRouter: boolean,
    /**
     * Where external clients reach the services' router; several URLs separated by commas,
     * as `connect()` and `--router` take them.
     */
    readonly routerUrl: string | undefined,
    readonly realm: string,
    private readonly logger: Logger,
    /** The HTTP server of the services' `@Http` routes, if any. */
    readonly http: HttpServer | undefined,
    /** True when this runner created the HTTP server, listens and closes it. */
    private readonly ownsHttp: boolean,
  ) {
    this.containers = containers;
  }

  /** Where the `@Http` routes are served (`http://127.0.0.1:8000`), once listening. */
  get httpUrl(): string | undefined {
    return this.http?.url;
  }

  /**
   * Reads every service definition (a mistake fails here, naming class and method) and checks
   * every option, all before anything starts; then starts the embedded router if needed, then
   * every service instance. If a step fails, whatever had started (instances, the router) is
   * stopped again and the error is thrown.
   */
  static async start(options: ServiceRunnerOptions): Promise<ServiceRunner> {
    const logger = options.logger ?? defaultLogger();
    const realm = options.realm ?? DEFAULT_REALM;
    const specs = options.services.map((spec) => (typeof spec === 'function' ? { service: spec } : spec));
    const definitions = specs.map((spec) => readServiceDefinition(spec.service));
    if (options.checkConflicts !== false) checkConflicts(definitions, logger);
    // What could not be derived is said once per class: its parameters are checked as "any".
    for (const contract of new Set(definitions.map((d) => d.contract)))
      for (const warning of contract.warnings) logger.warn({ service: contract.className }, warning);
    const counts = specs.map((spec, i) => instanceCount(definitions[i], spec.instances, options));
    checkRunnerOptions(options, definitions);
    const http = httpServerOf(options, definitions, logger);
    const ownsHttp = http !== undefined && options.httpServer === undefined;
    const ownsRouter = options.router === undefined && options.routerInstance === undefined;
    const router = ownsRouter
      ? await Router.start({ ...(options.embedded ?? DEFAULT_EMBEDDED), logger, metrics: options.metrics })
      : options.routerInstance;
    let runner: ServiceRunner;
    try {
      // In-process services are the router's own: their URIs are theirs alone.
      if (router !== undefined && options.inProcess !== false)
        for (const definition of definitions) for (const r of reservationsOf(definition)) router.reserve(r);
      runner = new ServiceRunner(
        createContainers(options, definitions, counts, transportFactory(options, router), logger, http),
        router,
        ownsRouter,
        options.router === undefined ? router?.clientUrl : routerUrls(options.router).join(','),
        realm,
        logger,
        http,
        ownsHttp,
      );
      if (options.metrics !== undefined)
        for (const c of runner.containers) runner.unwatch.push(options.metrics.watchService(c));
    } catch (err) {
      if (ownsRouter) await router?.stop();
      throw err;
    }
    // Every start settles (a failed one has undone itself) before the others are stopped.
    const failed = (await Promise.allSettled(runner.containers.map((c) => c.start()))).find(
      (result) => result.status === 'rejected',
    );
    if (failed) {
      await runner.stop();
      throw failed.reason;
    }
    if (options.describe !== false)
      await publishContracts(runner.containers, logger).catch(async (err: unknown) => {
        await runner.stop();
        throw err;
      });
    if (options.publishMetrics === true && options.metrics !== undefined && runner.containers.length > 0)
      await publishMetricsSnapshot(runner.containers[0].connection, options.metrics, logger);
    // Listening last: a request never meets a route whose service is still starting.
    if (ownsHttp)
      await http.listen().catch(async (err: unknown) => {
        await runner.stop();
        throw err;
      });
    return runner;
  }

  /** The instances of service `name` (several when it runs more than one copy). */
  instancesOf(name: string): ServiceContainer[] {
    return this.containers.filter((c) => c.name === name);
  }

  /** The first instance of service `name`; throws when there is none. */
  container(name: string): ServiceContainer {
    const found = this.containers.find((c) => c.name === name);
    if (!found)
      throw new ServiceLookupError(
        `no service called ${name} runs here (running: ${this.serviceNames().join(', ')})`,
      );
    return found;
  }

  /** The names of the services running, once each. */
  serviceNames(): string[] {
    return [...new Set(this.containers.map((c) => c.name))];
  }

  /** Stops every service gracefully, in parallel, then the embedded router. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.containers.map((c) => c.stop()));
    if (this.ownsHttp) await this.http?.close();
    if (this.ownsRouter) await this.router?.stop();
    for (const unwatch of this.unwatch.splice(0)) unwatch();
  }

  /** Stops at once: running work is aborted. */
  async kill(): Promise<void> {
    await Promise.allSettled(this.containers.map((c) => c.kill()));
    if (this.ownsHttp) await this.http?.close();
    if (this.ownsRouter) await this.router?.stop();
    for (const unwatch of this.unwatch.splice(0)) unwatch();
    this.logger.debug('runner killed');
  }
}

/** How many copies of a service to run: per-service options, else the spec, else one. */
function instanceCount(
  definition: ServiceDefinition,
  fromSpec: number | undefined,
  options: ServiceRunnerOptions,
): number {
  const count = options.perService?.[definition.name]?.instances ?? fromSpec ?? 1;
  if (!Number.isInteger(count) || count < 1) {
    throw new ServiceOptionsError(
      `${definition.name}: instances must be a positive integer, got ${String(count)}`,
    );
  }
  return count;
}

/**
 * Throws `ServiceOptionsError` (or the router's and transports' own typed errors) for an
 * option that cannot work, before the runner starts anything.
 */
function checkRunnerOptions(options: ServiceRunnerOptions, definitions: ServiceDefinition[]): void {
  checkHookTimeouts(options.hookTimeouts, 'hookTimeouts');
  checkHttpOptions(options.http);
  for (const { name } of definitions) {
    const own = options.perService?.[name];
    if (own === undefined) continue;
    const what = `perService.${name}`;
    checkInteger(own.maxConcurrency, 1, `${what}.maxConcurrency`);
    checkInteger(own.maxQueued, 0, `${what}.maxQueued`);
    checkInteger(own.stopTimeout, 0, `${what}.stopTimeout`);
    checkHookTimeouts(own.hookTimeouts, `${what}.hookTimeouts`);
  }
  if (options.reconnect !== undefined && options.reconnect !== false) {
    try {
      reconnectPolicy(options.reconnect);
    } catch (err) {
      throw new ServiceOptionsError(`reconnect: ${(err as Error).message}`);
    }
  }
  if (options.router !== undefined) {
    failoverTransport(routerUrls(options.router), { tls: options.tls }); // a bad URL throws TransportError here
  } else if (options.routerInstance === undefined) {
    const embedded = validateRouterOptions({ ...(options.embedded ?? DEFAULT_EMBEDDED) });
    if (options.inProcess === false && (embedded.listeners ?? []).length === 0) {
      throw new ServiceOptionsError(
        'the embedded router has no listener and inProcess is false: services cannot reach it',
      );
    }
  }
}

/**
 * The HTTP server for these services' routes: the shared one, else a new one when a service has
 * a route or `http` asks for it (none with `http: false`, said once when routes go unserved).
 */
function httpServerOf(
  options: ServiceRunnerOptions,
  definitions: ServiceDefinition[],
  logger: Logger,
): HttpServer | undefined {
  if (options.httpServer !== undefined) return options.httpServer;
  const routed = definitions.filter((d) => d.routes.length > 0).map((d) => d.name);
  if (options.http === false) {
    if (routed.length > 0)
      logger.warn(`http is false: the @Http routes of ${routed.join(', ')} are not served`);
    return undefined;
  }
  if (options.http === undefined && routed.length === 0) return undefined;
  return new HttpServer(options.http ?? {}, logger);
}

function checkHttpOptions(http: HttpServerOptions | false | undefined): void {
  if (http === undefined || http === false) return;
  if (http.port !== undefined && (!Number.isInteger(http.port) || http.port < 0 || http.port > 65535))
    throw new ServiceOptionsError(`http.port must be a port number (0-65535), got ${String(http.port)}`);
  if (http.host !== undefined && (typeof http.host !== 'string' || http.host === ''))
    throw new ServiceOptionsError(
      `http.host must be a host name or address, got ${JSON.stringify(http.host)}`,
    );
  checkInteger(http.maxBodyBytes, 1, 'http.maxBodyBytes');
  if (http.static !== undefined && (typeof http.static !== 'string' || http.static === ''))
    throw new ServiceOptionsError(`http.static must be a folder, got ${JSON.stringify(http.static)}`);
}

function checkInteger(value: number | undefined, min: number, what: string): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min))
    throw new ServiceOptionsError(`${what} must be an integer of at least ${min}, got ${String(value)}`);
}

/** One container per instance of each service, in the order given. */
function createContainers(
  options: ServiceRunnerOptions,
  definitions: ServiceDefinition[],
  counts: number[],
  transport: TransportFactory,
  logger: Logger,
  http: HttpServer | undefined,
): ServiceContainer[] {
  const di = (options.di ?? rootContainer).createChildContainer();
  if (options.metrics !== undefined) di.registerInstance(METRICS, options.metrics);
  const providers = [
    ...(options.callLogging === false ? [] : [CallLogger]),
    ...(options.metrics === undefined ? [] : [MetricsProvider]),
    ...(options.providers ?? []),
  ];
  const containers = definitions.flatMap((definition, i) => {
    const own = options.perService?.[definition.name];
    const auth = { ...(options.auth ?? {}), ...(own?.auth ?? ownCredentials(options, definition.name)) };
    return Array.from(
      { length: counts[i] },
      () =>
        new ServiceContainer({
          definition,
          di,
          logger,
          providers,
          settings: own?.settings,
          overrides: own,
          hookTimeouts: options.hookTimeouts,
          tracing: options.tracing,
          http,
          connection: {
            realm: options.realm ?? DEFAULT_REALM,
            transport,
            reconnect: options.reconnect,
            retryFirstConnect: options.waitForRouter ?? false,
            ...auth,
          },
        }),
    );
  });
  for (const c of containers)
    for (const [token, value] of options.replace?.[c.name] ?? []) c.replace(token, value);
  return containers;
}

/** The service's own credential on an external router, when `options.credentials` says where. */
function ownCredentials(options: ServiceRunnerOptions, service: string): AuthOptions | undefined {
  if (options.router === undefined || options.credentials === undefined) return undefined;
  return readServiceCredentials(service, options.credentials);
}

/**
 * What only `definition`'s sessions may register: its namespace (`<name>.`), its procedures
 * outside it (in their match mode: exact, prefix or wildcard) and the pool procedures of its
 * pool handlers.
 */
export function reservationsOf(definition: ServiceDefinition): UriReservation[] {
  const owner = definition.name;
  const namespace = `${owner}.`;
  const reserved: UriReservation[] = [{ uri: namespace, match: 'prefix', owner }];
  for (const rpc of definition.rpcs) {
    if (!rpc.uri.startsWith(namespace)) reserved.push({ uri: rpc.uri, match: rpc.options.match, owner });
  }
  for (const s of definition.subscriptions) {
    if (s.options.delivery === 'pool')
      reserved.push({ uri: poolProcedure(owner, s.topic), match: 'exact', owner });
  }
  return reserved;
}

/** How each service session reaches its router: in-process for the embedded one, else the URL. */
function transportFactory(options: ServiceRunnerOptions, router: Router | undefined): TransportFactory {
  if (router !== undefined && options.inProcess !== false) {
    return async () => {
      const [client, server] = createInProcessPair({ directCalls: options.directCalls });
      // In-process services are the router's own: they join as authid = service name.
      router.attach(server, { trusted: true });
      return client;
    };
  }
  const url = options.router === undefined ? router?.clientUrl : routerUrls(options.router);
  if (url === undefined) {
    throw new ServiceOptionsError(
      'the embedded router has no listener and inProcess is false: services cannot reach it',
    );
  }
  return failoverTransport(routerUrls(url), { tls: options.tls });
}
