import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { Connection, type ConnectionOptions } from '../client/connection';
import { componentLogger, type Logger } from '../logger';
import type { Args, Kwargs } from '../protocol/messages';
import { ConcurrencyGate } from './concurrency';
import type { EntrypointDefinition, ServiceClass, ServiceDefinition } from './definition';
import { BroadcastSubscribeEntrypoint, PoolSubscribeEntrypoint } from './entrypoints/subscribe';
import type { Entrypoint, EntrypointHost } from './entrypoints/entrypoint';
import { RpcEntrypoint } from './entrypoints/rpc';
import { TimerEntrypoint } from './entrypoints/timer';
import { HttpEntrypoint } from './entrypoints/http';
import type { HttpRoutes } from './http/server';
import { connectionEventWire, EventDispatcher } from './events';
import { provideInjectables } from './injectables';
import { PoolDirectory } from './pool-directory';
import { hookTimeouts, withDeadline, type HookTimeouts } from './lifecycle';
import { HookTimeoutError, ServiceLookupError, ServiceStateError } from './runtime-errors';
import type { DependencyProvider, WorkerContext } from './providers';
import { prepareArguments } from './arguments';
import { EntrypointWorkers, providerHooks, runWorker } from './worker';
import { serviceProxyCall } from './proxy';
import { ServiceTracer } from './tracing';
import type { WServiceTracing } from '../observability/tracing';

/** Lifecycle hooks a service class may implement. */
export interface OnStart {
  /** After the service joined the router, before its entrypoints go live. */
  onStart(): void | Promise<void>;
}
export interface OnStop {
  /** After in-flight work finished (or the stop deadline passed), before dependencies stop. */
  onStop(): void | Promise<void>;
}

/** Per-instance settings that override what `@Service` says (from config or the runner). */
export interface ServiceOverrides {
  maxConcurrency?: number;
  maxQueued?: number;
  stopTimeout?: number;
  /** Deadlines of this service's lifecycle hooks, over the runner's and the defaults. */
  hookTimeouts?: Partial<HookTimeouts>;
}

export interface ServiceContainerOptions {
  definition: ServiceDefinition;
  /** The runner's DI container; the service gets a child of it. */
  di: DependencyContainer;
  /** How to reach the router (transport factory, realm, auth, reconnect). */
  connection: ConnectionOptions;
  logger: Logger;
  settings?: Record<string, unknown>;
  overrides?: ServiceOverrides;
  /** Providers for every service, before the service's own. */
  providers?: ServiceClass[];
  /** Deadlines of every lifecycle hook (`overrides.hookTimeouts` wins); defaults `DEFAULT_HOOK_TIMEOUTS`. */
  hookTimeouts?: Partial<HookTimeouts>;
  /** A span per call, invocation, publication and event (the runner's `tracing`). */
  tracing?: WServiceTracing;
  /** Where the `@Http` routes go (the runner's HTTP server); absent, they are not served. */
  http?: HttpRoutes;
}

/** A finished entrypoint call, as `onWorkerDone` listeners see it. */
export interface WorkerOutcome {
  readonly worker: WorkerContext;
  readonly result: unknown;
  /** What the method threw, if it did. */
  readonly error?: unknown;
}

/** Where a container is in its life. */
export type ContainerState = 'new' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * One service instance: its WAMP session, its entrypoints, its dependencies and a bound on
 * concurrent work, with nameko's start / stop order.
 */
export class ServiceContainer {
  readonly name: string;
  readonly definition: ServiceDefinition;
  readonly connection: Connection;
  readonly logger: Logger;
  readonly gate: ConcurrencyGate;
  private readonly di: DependencyContainer;
  private readonly kill$ = new AbortController();
  private entrypoints: Entrypoint[] = [];
  private providers: DependencyProvider[] = [];
  private instanceRef?: object;
  private stateValue: ContainerState = 'new';
  private starting?: Promise<void>;
  private stopping?: Promise<void>;
  private killing?: Promise<void>;
  /** What the start got through, for the teardown (providers started are in `providers`). */
  private readonly started = { onStart: false };
  /** The teardown steps already run (each runs once, whether a stop or a kill reached it first). */
  private readonly done = new Set<string>();
  private readonly replacements: [InjectionToken<unknown>, unknown][] = [];
  private readonly workerListeners = new Set<(outcome: WorkerOutcome) => void>();
  private host?: EntrypointHost;
  private readonly tracer?: ServiceTracer;

  constructor(private readonly options: ServiceContainerOptions) {
    const { definition } = options;
    this.definition = definition;
    this.name = definition.name;
    this.logger = componentLogger(options.logger, 'service', { service: definition.name });
    const limits = { ...definition.options, ...options.overrides };
    this.gate = new ConcurrencyGate(limits.maxConcurrency, limits.maxQueued, definition.name);
    this.connection = new Connection({ authid: definition.name, logger: this.logger, ...options.connection });
    this.di = options.di.createChildContainer();
    if (options.tracing !== undefined)
      this.tracer = new ServiceTracer(options.tracing, this.name, this.connection);
  }

  get state(): ContainerState {
    return this.stateValue;
  }

  /** Calls waiting for a concurrency slot. */
  get queued(): number {
    return this.gate.queued;
  }

  /** Calls refused so far with wservice.error.overloaded. */
  get overloaded(): number {
    return this.gate.overloaded;
  }

  /** The service instance, once started. */
  get instance(): object {
    if (!this.instanceRef) throw new ServiceStateError(this.name, `service ${this.name} is not started`);
    return this.instanceRef;
  }

  /** What the service exposes: `rpc orders.create`, `subscribe payments.received`, ... */
  get labels(): string[] {
    return this.entrypoints.map((e) => e.label);
  }

  /** The DI container of this service (a child of the runner's). */
  get dependencies(): DependencyContainer {
    return this.di;
  }

  /**
   * Replaces what `token` injects into this service (nameko's `replace_dependencies`), e.g. a
   * fake proxy or dispatcher in a test. Only before `start`.
   */
  replace<T>(token: InjectionToken<T>, value: T): void {
    if (this.stateValue !== 'new')
      throw new ServiceStateError(this.name, `service ${this.name}: replace dependencies before start`);
    this.replacements.push([token, value]);
  }

  /** Calls `listener` after every entrypoint call of this instance ends; returns an unsubscribe function. */
  onWorkerDone(listener: (outcome: WorkerOutcome) => void): () => void {
    this.workerListeners.add(listener);
    return () => this.workerListeners.delete(listener);
  }

  /**
   * Runs the entrypoint on `method` as if its call had arrived (binding, concurrency, context,
   * providers), without the network. For tests (`entrypointHook`).
   */
  runEntrypoint(method: string, args: Args = [], kwargs: Kwargs = {}): Promise<unknown> {
    if (!this.host) throw new ServiceStateError(this.name, `service ${this.name} is not started`);
    const definition = [
      ...this.definition.rpcs,
      ...this.definition.subscriptions,
      ...this.definition.timers,
      ...this.definition.routes,
    ].find((d) => d.method === method);
    if (!definition)
      throw new ServiceLookupError(`${this.definition.target.name}.${method} is not an entrypoint`);
    return runWorker(this.host.workers(definition), args, kwargs, {
      uri:
        definition.kind === 'rpc'
          ? definition.uri
          : definition.kind === 'subscribe'
            ? definition.topic
            : definition.kind === 'http'
              ? definition.path
              : undefined,
      signal: this.kill$.signal,
    });
  }

  /**
   * Creates the service, starts its dependencies, joins the router, runs `onStart`, then
   * opens its entrypoints, each hook within its deadline (`hookTimeouts`). If a step fails
   * (or `kill` is called meanwhile), exactly what had started is stopped again, in the stop
   * order, and the error is thrown.
   */
  start(): Promise<void> {
    if (this.stateValue !== 'new')
      return Promise.reject(new ServiceStateError(this.name, `service ${this.name} was already started`));
    this.stateValue = 'starting';
    this.starting = this.startInOrder();
    return this.starting;
  }

  private async startInOrder(): Promise<void> {
    const timeouts = this.timeouts;
    try {
      this.provideDependencies();
      const providers = [...(this.options.providers ?? []), ...this.definition.options.providers].map(
        (p) => this.di.resolve(p) as DependencyProvider,
      );
      this.instanceRef = this.di.resolve(this.definition.target);
      for (const provider of providers) {
        this.checkAlive();
        // Counted as started while its start runs: one given up at its deadline may still finish.
        this.providers.push(provider);
        if (!provider.start) continue;
        try {
          await this.startHook(`${nameOf(provider)}.start`, timeouts.providerStart, () => provider.start!());
        } catch (err) {
          // A start that threw started nothing: only the ones before it are stopped.
          if (!(err instanceof HookTimeoutError) && !this.kill$.signal.aborted) this.providers.pop();
          throw err;
        }
      }
      this.checkAlive();
      await this.raceKill(this.connection.open());
      this.checkAlive();
      const instance = this.instanceRef as Partial<OnStart>;
      if (instance.onStart) await this.startHook('onStart', timeouts.onStart, () => instance.onStart!());
      this.started.onStart = true;
      this.checkAlive();
      this.host = this.createHost();
      this.entrypoints = this.createEntrypoints(this.host);
      await this.startHook('entrypoints.start', timeouts.entrypointStart, async () => {
        // Every start settles before the first failure is reported: none is left half-done.
        const failed = (await Promise.allSettled(this.entrypoints.map((e) => e.start()))).find(
          (r) => r.status === 'rejected',
        );
        if (failed) throw failed.reason;
      });
      this.checkAlive();
      this.stateValue = 'running';
      this.logger.debug({ entrypoints: this.labels }, 'service started');
    } catch (err) {
      // Undo what started, in the stop order (a kill meanwhile undoes it its own way).
      if (!this.kill$.signal.aborted) await this.teardown('stop');
      else await this.teardown('kill');
      this.stateValue = 'stopped';
      throw err;
    }
  }

  /**
   * Stops gracefully; the order matters and is nameko's. Idempotent: a second call waits for
   * the first. During a start, waits for it to settle first.
   */
  stop(): Promise<void> {
    this.stopping ??= this.stopAfterStart();
    return this.stopping;
  }

  private async stopAfterStart(): Promise<void> {
    await this.starting?.catch(() => undefined);
    if (this.stateValue !== 'running') {
      // Never started, or a failed start already undid itself.
      if (this.stateValue === 'new') await this.teardown('stop');
      this.stateValue = 'stopped';
      return;
    }
    this.stateValue = 'stopping';
    await this.teardown('stop');
    this.stateValue = 'stopped';
  }

  /**
   * Stops at once: stops the entrypoints (timers included), aborts running work, kills the
   * dependency providers, disposes the DI container and closes the connection, in that order,
   * each step whatever the one before did. During a start, the start fails and undoes itself
   * this way. Idempotent.
   */
  kill(): Promise<void> {
    this.killing ??= this.killInOrder();
    return this.killing;
  }

  private async killInOrder(): Promise<void> {
    this.kill$.abort(new ServiceStateError(this.name, `service ${this.name} was killed`));
    if (this.stateValue === 'starting') {
      await this.starting?.catch(() => undefined);
    } else {
      await this.teardown('kill');
    }
    this.stateValue = 'stopped';
    this.logger.debug('service killed');
  }

  /**
   * Takes down what has started, in nameko's order. Every step runs whatever the ones before
   * did, within its deadline, and at most once: a kill during a stop skips what the stop did.
   */
  private async teardown(mode: 'stop' | 'kill'): Promise<void> {
    const timeouts = this.timeouts;
    // 1. Entrypoints first, so the router sends no new work: unregister, unsubscribe, stop timers.
    if (mode === 'kill') {
      for (const entrypoint of this.entrypoints)
        this.attempt(`${entrypoint.label} kill`, () => entrypoint.kill());
    } else {
      await this.step('entrypoints.stop', timeouts.entrypointStop, () =>
        this.settle(
          'stop entrypoints',
          this.entrypoints.map((e) => e.stop()),
        ),
      );
    }
    // 2. Refuse whatever still arrives; a stop lets in-flight work finish up to its deadline.
    this.gate.close();
    if (mode === 'stop' && !this.kill$.signal.aborted) {
      const limits = { ...this.definition.options, ...this.options.overrides };
      if (!(await this.gate.idle(limits.stopTimeout, this.kill$.signal)) && !this.kill$.signal.aborted) {
        this.logger.warn(
          { active: this.gate.active, queued: this.gate.queued },
          'stop deadline passed with work in flight; aborting it',
        );
        this.kill$.abort(new ServiceStateError(this.name, `service ${this.name} is stopping`));
      }
    } else {
      this.kill$.abort(new ServiceStateError(this.name, `service ${this.name} was killed`));
    }
    // 3. The service's own clean-up, while its dependencies still work (not on a kill).
    const instance = this.instanceRef as Partial<OnStop> | undefined;
    if (mode === 'stop' && this.started.onStart && instance?.onStop)
      await this.step('onStop', timeouts.onStop, () => instance.onStop!());
    // 4. Dependencies: providers stop (or are killed), then what the DI container created is disposed.
    await Promise.all(
      this.providers.map((provider, i) => {
        const end = mode === 'kill' && provider.kill ? provider.kill : provider.stop;
        const hook = `${nameOf(provider)}.${end === provider.kill ? 'kill' : 'stop'}`;
        return end
          ? this.step(hook, timeouts.providerStop, () => end.call(provider), `provider ${i}`)
          : undefined;
      }),
    );
    await this.step('dispose', timeouts.dispose, () => this.di.dispose());
    // 5. Leave the router (GOODBYE) and close the connection.
    await this.step('leave', timeouts.leave, () => this.connection.close());
  }

  private provideDependencies(): void {
    const pools = new PoolDirectory(this.connection, this.logger);
    const call = serviceProxyCall(this.connection, this.tracer);
    provideInjectables(this.di, {
      connection: this.connection,
      logger: this.logger,
      settings: this.options.settings ?? {},
      name: this.name,
      events: new EventDispatcher(connectionEventWire(this.connection, pools, this.logger, this.tracer)),
      proxyCall: () => call,
    });
    for (const provider of [...(this.options.providers ?? []), ...this.definition.options.providers]) {
      this.di.registerSingleton(provider);
    }
    for (const [token, value] of this.replacements) this.di.registerInstance(token, value);
  }

  private createHost(): EntrypointHost {
    const workers = new Map<EntrypointDefinition, EntrypointWorkers>();
    const host: EntrypointHost = {
      service: this.name,
      instance: this.instanceRef!,
      gate: this.gate,
      providers: providerHooks(this.providers),
      logger: this.logger,
      tracer: this.tracer,
      connection: this.connection,
      killSignal: this.kill$.signal,
      workerDone: (worker, result, error) => {
        // Listeners are test waiters: most workers end with none, and make no iterator.
        if (this.workerListeners.size === 0) return;
        for (const listener of this.workerListeners) listener({ worker, result, error });
      },
      workers: (definition) => {
        let found = workers.get(definition);
        if (found === undefined) workers.set(definition, (found = new EntrypointWorkers(host, definition)));
        return found;
      },
    };
    return host;
  }

  private createEntrypoints(host: EntrypointHost): Entrypoint[] {
    const { http } = this.options;
    const { rpcs, subscriptions, timers, routes } = this.definition;
    // Before anything is registered: the first call finds its argument check compiled.
    for (const definition of [...rpcs, ...subscriptions, ...timers, ...(http === undefined ? [] : routes)]) {
      prepareArguments(definition);
    }
    return [
      ...this.definition.rpcs.map((d) => new RpcEntrypoint(host, d)),
      ...this.definition.subscriptions.map((d) =>
        d.options.delivery !== 'broadcast'
          ? new PoolSubscribeEntrypoint(host, d)
          : new BroadcastSubscribeEntrypoint(host, d),
      ),
      ...this.definition.timers.map((d) => new TimerEntrypoint(host, d)),
      ...(http === undefined ? [] : this.definition.routes.map((d) => new HttpEntrypoint(host, d, http))),
    ];
  }

  /** The hook deadlines of this instance: the defaults, the runner's, the service's. */
  private get timeouts(): HookTimeouts {
    return hookTimeouts(this.options.hookTimeouts, this.options.overrides?.hookTimeouts);
  }

  /** Fails the start when the container was killed meanwhile. */
  private checkAlive(): void {
    if (this.kill$.signal.aborted) throw this.kill$.signal.reason;
  }

  /** `work`, or the kill's reason as soon as the container is killed. */
  private raceKill<T>(work: Promise<T>): Promise<T> {
    const signal = this.kill$.signal;
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    let onAbort: (() => void) | undefined;
    const killed = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason as Error);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    return Promise.race([work, killed]).finally(() => signal.removeEventListener('abort', onAbort!));
  }

  /** A start hook under its deadline; past it, logged once and the start fails. */
  private async startHook(hook: string, timeoutMs: number, run: () => unknown): Promise<void> {
    try {
      await withDeadline(this.name, hook, timeoutMs, run, this.kill$.signal);
    } catch (err) {
      if (err instanceof HookTimeoutError) this.logTimeout(err, 'the start fails');
      throw err;
    }
  }

  /** One step of a teardown, once, under its deadline; a failure or a timeout is logged once and the teardown goes on. */
  private async step(hook: string, timeoutMs: number, run: () => unknown, key = hook): Promise<void> {
    if (this.done.has(key)) return;
    this.done.add(key);
    try {
      await withDeadline(this.name, hook, timeoutMs, run);
    } catch (err) {
      if (err instanceof HookTimeoutError) this.logTimeout(err, 'the stop goes on');
      else this.logger.error({ err, hook }, `${hook} failed; the stop goes on`);
    }
  }

  /** A synchronous step of a kill: a failure is logged and the kill goes on. */
  private attempt(hook: string, run: () => void): void {
    try {
      run();
    } catch (err) {
      this.logger.error({ err, hook }, `${hook} failed; the stop goes on`);
    }
  }

  private logTimeout(err: HookTimeoutError, then: string): void {
    this.logger.warn({ hook: err.hook, timeoutMs: err.timeoutMs }, `${err.message}; ${then}`);
  }

  /** Waits for every step of a stop phase; failures are logged once and do not stop the stop. */
  private async settle(phase: string, steps: Promise<unknown>[]): Promise<void> {
    for (const result of await Promise.allSettled(steps)) {
      if (result.status === 'rejected')
        this.logger.error({ err: result.reason }, `${phase} failed during stop`);
    }
  }
}

/** A provider's class name, for logs. */
function nameOf(provider: object): string {
  return provider.constructor.name;
}
