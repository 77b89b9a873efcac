import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { Connection, type ConnectionOptions } from '../client/connection';
import { componentLogger, type Logger } from '../logger';
import type { Args, Kwargs } from '../protocol/messages';
import { ConcurrencyGate } from './concurrency';
import type { ServiceClass, ServiceDefinition } from './definition';
import { BroadcastSubscribeEntrypoint, PoolSubscribeEntrypoint } from './entrypoints/subscribe';
import type { Entrypoint, EntrypointHost } from './entrypoints/entrypoint';
import { RpcEntrypoint } from './entrypoints/rpc';
import { TimerEntrypoint } from './entrypoints/timer';
import { EventDispatcher } from './events';
import { PoolDirectory } from './pool-directory';
import { ServiceLookupError, ServiceStateError } from './runtime-errors';
import type { DependencyProvider, WorkerContext } from './providers';
import { providerHooks, runWorker } from './worker';
import { registerProxies } from './proxy';
import { LOGGER, SERVICE_NAME, SETTINGS, WAMP_CONNECTION } from './tokens';

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
  private stopping?: Promise<void>;
  private readonly replacements: [InjectionToken<unknown>, unknown][] = [];
  private readonly workerListeners = new Set<(outcome: WorkerOutcome) => void>();
  private host?: EntrypointHost;

  constructor(private readonly options: ServiceContainerOptions) {
    const { definition } = options;
    this.definition = definition;
    this.name = definition.name;
    this.logger = componentLogger(options.logger, 'service', { service: definition.name });
    const limits = { ...definition.options, ...options.overrides };
    this.gate = new ConcurrencyGate(limits.maxConcurrency, limits.maxQueued, definition.name);
    this.connection = new Connection({ authid: definition.name, logger: this.logger, ...options.connection });
    this.di = options.di.createChildContainer();
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
    ].find((d) => d.method === method);
    if (!definition)
      throw new ServiceLookupError(`${this.definition.target.name}.${method} is not an entrypoint`);
    return runWorker(this.host, definition, args, kwargs, {
      uri:
        definition.kind === 'rpc'
          ? definition.uri
          : definition.kind === 'subscribe'
            ? definition.topic
            : undefined,
      signal: this.kill$.signal,
    });
  }

  /** Creates the service, starts its dependencies, joins the router, then opens its entrypoints. */
  async start(): Promise<void> {
    if (this.stateValue !== 'new')
      throw new ServiceStateError(this.name, `service ${this.name} was already started`);
    this.stateValue = 'starting';
    const started: DependencyProvider[] = [];
    try {
      this.provideDependencies();
      this.providers = [...(this.options.providers ?? []), ...this.definition.options.providers].map(
        (p) => this.di.resolve(p) as DependencyProvider,
      );
      this.instanceRef = this.di.resolve(this.definition.target);
      for (const provider of this.providers) {
        await provider.start?.();
        started.push(provider);
      }
      await this.connection.open();
      await (this.instanceRef as Partial<OnStart>).onStart?.();
      this.host = this.createHost();
      this.entrypoints = this.createEntrypoints(this.host);
      await Promise.all(this.entrypoints.map((e) => e.start()));
      this.stateValue = 'running';
      this.logger.debug({ entrypoints: this.labels }, 'service started');
    } catch (err) {
      // Undo what started, in reverse: entrypoints go with the connection.
      await this.connection.close().catch(() => undefined);
      await this.settle(
        'stop providers',
        started.reverse().map((p) => Promise.resolve().then(() => p.stop?.())),
      );
      await this.settle('dispose dependencies', [Promise.resolve().then(() => this.di.dispose())]);
      this.stateValue = 'stopped';
      throw err;
    }
  }

  /**
   * Stops gracefully; the order matters and is nameko's. Idempotent: a second call waits for
   * the first.
   */
  stop(): Promise<void> {
    this.stopping ??= this.stopInOrder();
    return this.stopping;
  }

  private async stopInOrder(): Promise<void> {
    if (this.stateValue === 'new' || this.stateValue === 'stopped') {
      this.stateValue = 'stopped';
      return;
    }
    this.stateValue = 'stopping';
    // 1. Entrypoints first: unregister, unsubscribe, stop timers, so the router sends no new work.
    await this.settle(
      'stop entrypoints',
      this.entrypoints.map((e) => e.stop()),
    );
    // 2. Refuse whatever still arrives; let in-flight work finish, up to the deadline.
    this.gate.close();
    const limits = { ...this.definition.options, ...this.options.overrides };
    if (!(await this.gate.idle(limits.stopTimeout))) {
      this.logger.warn(
        { active: this.gate.active, queued: this.gate.queued },
        'stop deadline passed with work in flight; aborting it',
      );
      this.kill$.abort(new ServiceStateError(this.name, `service ${this.name} is stopping`));
    }
    // 3. The service's own clean-up, while its dependencies still work.
    await this.settle('onStop', [
      Promise.resolve().then(() => (this.instanceRef as Partial<OnStop>)?.onStop?.()),
    ]);
    // 4. Dependencies: providers stop, then everything the DI container created is disposed.
    await this.settle(
      'stop providers',
      this.providers.map((p) => Promise.resolve().then(() => p.stop?.())),
    );
    await this.settle('dispose dependencies', [Promise.resolve().then(() => this.di.dispose())]);
    // 5. Leave the router (GOODBYE) and close the connection.
    await this.settle('leave', [this.connection.close()]);
    this.stateValue = 'stopped';
  }

  /** Stops at once: aborts running work and closes the connection without waiting. */
  async kill(): Promise<void> {
    this.kill$.abort(new ServiceStateError(this.name, `service ${this.name} was killed`));
    this.gate.close();
    this.stateValue = 'stopped';
    await this.connection.close().catch(() => undefined);
  }

  private provideDependencies(): void {
    const pools = new PoolDirectory(this.connection, this.logger);
    this.di.registerInstance(WAMP_CONNECTION, this.connection);
    this.di.registerInstance(LOGGER, this.logger);
    this.di.registerInstance(SETTINGS, this.options.settings ?? {});
    this.di.registerInstance(SERVICE_NAME, this.name);
    this.di.registerInstance(EventDispatcher, new EventDispatcher(this.connection, pools, this.logger));
    for (const provider of [...(this.options.providers ?? []), ...this.definition.options.providers]) {
      this.di.registerSingleton(provider);
    }
    registerProxies(this.di, this.connection);
    for (const [token, value] of this.replacements) this.di.registerInstance(token, value);
  }

  private createHost(): EntrypointHost {
    return {
      service: this.name,
      instance: this.instanceRef!,
      gate: this.gate,
      providers: providerHooks(this.providers),
      logger: this.logger,
      connection: this.connection,
      killSignal: this.kill$.signal,
      workerDone: (worker, result, error) => {
        for (const listener of this.workerListeners) listener({ worker, result, error });
      },
    };
  }

  private createEntrypoints(host: EntrypointHost): Entrypoint[] {
    return [
      ...this.definition.rpcs.map((d) => new RpcEntrypoint(host, d)),
      ...this.definition.subscriptions.map((d) =>
        d.options.delivery !== 'broadcast'
          ? new PoolSubscribeEntrypoint(host, d)
          : new BroadcastSubscribeEntrypoint(host, d),
      ),
      ...this.definition.timers.map((d) => new TimerEntrypoint(host, d)),
    ];
  }

  /** Waits for every step of a stop phase; failures are logged once and do not stop the stop. */
  private async settle(phase: string, steps: Promise<unknown>[]): Promise<void> {
    for (const result of await Promise.allSettled(steps)) {
      if (result.status === 'rejected')
        this.logger.error({ err: result.reason }, `${phase} failed during stop`);
    }
  }
}
