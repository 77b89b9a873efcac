import { performance } from 'node:perf_hooks';
import { context as activeContext, type Context } from '@opentelemetry/api';
import type { Logger } from '../logger';
import type { Args, Kwargs } from '../protocol/messages';
import { argumentBinder, bindWith, type ArgumentBinder } from './arguments';
import { isThenable } from '../client/callee';
import { newCorrelationId, runInContext, runInSyncContext, type CallContext } from './context';
import type { ConcurrencyGate } from './concurrency';
import type { EntrypointDefinition } from './definition';
import type { DependencyProvider, WorkerContext } from './providers';
import { endSpan, type ServiceTracer } from './tracing';
import { keepShape } from '../keep-shape';

/** What every entrypoint of one service instance shares to run its workers. */
export interface WorkerHost {
  readonly service: string;
  readonly instance: object;
  readonly gate: ConcurrencyGate;
  readonly providers: ProviderHooks;
  readonly logger: Logger;
  /** Starts a span per worker when the runner traces. */
  readonly tracer?: ServiceTracer;
  /** Told when each worker ends, after the providers' hooks (for test waiters). */
  workerDone?(worker: WorkerContext, result: unknown, error: unknown): void;
}

/** The providers that implement each worker hook, found once per service instance. */
export interface ProviderHooks {
  readonly setup: readonly DependencyProvider[];
  readonly result: readonly DependencyProvider[];
  /** In reverse order: teardown unwinds. */
  readonly teardown: readonly DependencyProvider[];
  /** Some hook is written `async`: every worker runs in AsyncLocalStorage (see context.ts). */
  readonly awaiting: boolean;
}

export function providerHooks(providers: readonly DependencyProvider[]): ProviderHooks {
  const setup = providers.filter((p) => p.workerSetup);
  const result = providers.filter((p) => p.workerResult);
  const teardown = providers.filter((p) => p.workerTeardown).reverse();
  const awaiting =
    setup.some((p) => isAsyncFunction(p.workerSetup)) ||
    result.some((p) => isAsyncFunction(p.workerResult)) ||
    teardown.some((p) => isAsyncFunction(p.workerTeardown));
  return { setup, result, teardown, awaiting };
}

function isAsyncFunction(fn: unknown): boolean {
  return typeof fn === 'function' && fn.constructor.name === 'AsyncFunction';
}

/**
 * What an entrypoint knows when its call arrives. What costs to make is made only when read:
 * the signal (pass a function) and, when the caller sent none, the correlation id.
 */
export interface CallOrigin {
  readonly uri?: string;
  readonly caller?: number;
  readonly callerAuthid?: string;
  readonly callerAuthrole?: string;
  readonly correlationId?: string;
  readonly signal: AbortSignal | (() => AbortSignal);
  readonly progress?: CallContext['progress'];
  /** The INVOCATION / EVENT Details (the caller's trace context travels there). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** The call context of one worker, lazy where `CallOrigin` allows. */
class WorkerCall implements CallContext {
  private signalValue?: AbortSignal;
  private correlation?: string;

  constructor(
    readonly service: string,
    readonly kind: CallContext['kind'],
    readonly method: string,
    private readonly origin: CallOrigin,
    readonly trace?: Context,
  ) {}

  get uri(): string | undefined {
    return this.origin.uri;
  }
  get caller(): number | undefined {
    return this.origin.caller;
  }
  get callerAuthid(): string | undefined {
    return this.origin.callerAuthid;
  }
  get callerAuthrole(): string | undefined {
    return this.origin.callerAuthrole;
  }
  get progress(): CallContext['progress'] {
    return this.origin.progress;
  }
  get correlationId(): string {
    this.correlation ??= this.origin.correlationId ?? newCorrelationId();
    return this.correlation;
  }
  get signal(): AbortSignal {
    if (this.signalValue === undefined) {
      const { signal } = this.origin;
      this.signalValue = typeof signal === 'function' ? signal() : signal;
    }
    return this.signalValue;
  }
}

/** One worker as providers see it; `data` is made on first use. */
class Worker implements WorkerContext {
  /** Set when the worker takes its slot (a queued call waits first). */
  startedAt = 0;
  private dataValue?: Map<unknown, unknown>;
  /** The method, when the worker runs outside AsyncLocalStorage (see `resume`). */
  syncMethod?: object;
  /** What the method returned (its final value), once it did. */
  result: unknown;
  /** What the method threw (or its promise rejected with), when it failed. */
  error: unknown;
  failed = false;

  constructor(
    readonly service: string,
    readonly entrypoint: EntrypointDefinition,
    readonly args: readonly unknown[],
    readonly call: CallContext,
  ) {}

  get data(): Map<unknown, unknown> {
    this.dataValue ??= new Map();
    return this.dataValue;
  }

  failWith(error: unknown): void {
    this.failed = true;
    this.error = error;
  }
}

// Their maps outlive a full GC taken while no call is in flight (see keepShape); `startedAt`
// holds a time in milliseconds with a fraction.
keepShape(new WorkerCall('', 'rpc', '', undefined as never));
keepShape(new Worker('', undefined as never, [], undefined as never)).startedAt = 0.5;

/**
 * What every call of one entrypoint of one service instance shares, found once rather than per
 * call: the argument binder, and whether the method awaits (decided again only when the method
 * is another function, or when a method not written `async` was seen returning a promise).
 */
export class EntrypointWorkers {
  readonly binder: ArgumentBinder;
  private method: unknown = undefined;
  private methodAwaits = false;
  private promisesSeen = -1;

  constructor(
    readonly host: WorkerHost,
    readonly entrypoint: EntrypointDefinition,
  ) {
    this.binder = argumentBinder(entrypoint);
  }

  /**
   * One call without a promise that carries nothing: a worker that runs to its end at once
   * (a synchronous method, synchronous hooks, a free slot) returns its result, or throws what
   * the method threw; only a worker that has to wait returns a promise.
   */
  run(args: Args, kwargs: Kwargs, origin: CallOrigin): unknown {
    const { tracer } = this.host;
    if (tracer === undefined) return runBound(this, args, kwargs, origin);
    // The span covers what the caller waits for: argument checks and the queue too.
    const { span, context } = tracer.inbound(this.entrypoint, origin);
    let outcome: unknown;
    try {
      outcome = activeContext.with(context, () => runBound(this, args, kwargs, origin, context));
    } catch (err) {
      endSpan(span, err);
      throw err;
    }
    if (!isThenable(outcome)) {
      endSpan(span);
      return outcome;
    }
    return Promise.resolve(outcome).then(
      (result) => {
        endSpan(span);
        return result;
      },
      (err: unknown) => {
        endSpan(span, err);
        throw err;
      },
    );
  }

  /** `awaits(method)`, remembered for the method this entrypoint last ran. */
  awaits(method: unknown): boolean {
    if (method !== this.method || this.promisesSeen !== returnedPromiseCount) {
      this.method = method;
      this.promisesSeen = returnedPromiseCount;
      this.methodAwaits = awaits(method);
    }
    return this.methodAwaits;
  }
}

/**
 * One entrypoint call as a promise (`EntrypointWorkers.run`: binds the arguments, waits for a
 * concurrency slot, runs the providers' worker hooks around the method inside the call
 * context), for the entrypoints that wait for every worker: a failure, thrown at once or
 * later, rejects it as the method threw it.
 */
export function runWorker(
  workers: EntrypointWorkers,
  args: Args,
  kwargs: Kwargs,
  origin: CallOrigin,
): Promise<unknown> {
  try {
    return Promise.resolve(workers.run(args, kwargs, origin));
  } catch (err) {
    return Promise.reject(err);
  }
}

function runBound(
  workers: EntrypointWorkers,
  args: Args,
  kwargs: Kwargs,
  origin: CallOrigin,
  trace?: Context,
): unknown {
  const bound = bindWith(workers.binder, workers.entrypoint, args, kwargs);
  if (Array.isArray(bound)) return runGated(workers, bound, origin, trace);
  // An asynchronous `refine` validator: the call waits for it before taking a slot.
  return bound.then((ready) => runGated(workers, ready, origin, trace));
}

function runGated(
  workers: EntrypointWorkers,
  bound: unknown[],
  origin: CallOrigin,
  trace: Context | undefined,
): unknown {
  const { host, entrypoint } = workers;
  const call = new WorkerCall(host.service, entrypoint.kind, entrypoint.method, origin, trace);
  return host.gate.enterWith(startWorker, workers, new Worker(host.service, entrypoint, bound, call));
}

/** The worker once it holds its slot: it starts now, in its call context. */
function startWorker(workers: EntrypointWorkers, worker: Worker): unknown {
  worker.startedAt = performance.now();
  const { host } = workers;
  const method = (host.instance as Record<string, (...a: unknown[]) => unknown>)[worker.entrypoint.method];
  // A worker that awaits needs the context in its awaits (AsyncLocalStorage); a synchronous
  // one only while it runs (see context.ts).
  if (host.providers.awaiting || workers.awaits(method)) {
    return runInContext(worker.call, () => runWithHooks(host, worker));
  }
  worker.syncMethod = method;
  return runInSyncContext(worker.call, runWithHooks, host, worker);
}

/** Methods that returned a promise although not written `async`: they run in AsyncLocalStorage from then on. */
const returnedPromises = new WeakSet<object>();
/** Bumped with every method added to `returnedPromises`: what `EntrypointWorkers.awaits` remembered may be stale. */
let returnedPromiseCount = 0;

/** True when `fn` is written `async` (or as an async generator), or waited for something before. */
function awaits(fn: unknown): boolean {
  if (typeof fn !== 'function') return false;
  const kind = fn.constructor.name;
  return kind === 'AsyncFunction' || kind === 'AsyncGeneratorFunction' || returnedPromises.has(fn);
}

/**
 * A worker's next step after a promise: as is in AsyncLocalStorage; a synchronous worker that
 * had to wait after all runs it in its context again (and its method is remembered).
 */
function resume(worker: Worker, step: () => unknown): unknown {
  if (worker.syncMethod === undefined) return step();
  if (!returnedPromises.has(worker.syncMethod)) {
    returnedPromises.add(worker.syncMethod);
    returnedPromiseCount++;
  }
  return runInContext(worker.call, step);
}

/** A worker's step after the method: what it gave, or what it threw. */
type Step = (host: WorkerHost, worker: Worker) => unknown;

/** The worker hooks, by the name `hooks` logs them with. */
type HookName = 'workerSetup' | 'workerResult' | 'workerTeardown';

/**
 * The providers' hooks around the method. Each step runs at once while the one before did
 * not return a promise, so a synchronous worker with synchronous hooks settles without one.
 */
function runWithHooks(host: WorkerHost, worker: Worker): unknown {
  return hooksThen(host, worker, host.providers.setup, 'workerSetup', runMethod);
}

function runMethod(host: WorkerHost, worker: Worker): unknown {
  let returned: unknown;
  try {
    const method = (host.instance as Record<string, (...a: unknown[]) => unknown>)[worker.entrypoint.method];
    returned = method.apply(host.instance, worker.args as unknown[]);
  } catch (err) {
    worker.failWith(err);
    return afterMethod(host, worker);
  }
  if (!isThenable(returned) && !isAsyncGenerator(returned)) {
    worker.result = returned;
    return afterMethod(host, worker);
  }
  return finalValue(returned, worker.call).then(
    (result) => {
      worker.result = result;
      return resume(worker, () => afterMethod(host, worker));
    },
    (err: unknown) => {
      worker.failWith(err);
      return resume(worker, () => afterMethod(host, worker));
    },
  );
}

function afterMethod(host: WorkerHost, worker: Worker): unknown {
  return hooksThen(host, worker, host.providers.result, 'workerResult', tearDown);
}

function tearDown(host: WorkerHost, worker: Worker): unknown {
  return hooksThen(host, worker, host.providers.teardown, 'workerTeardown', workerEnd);
}

function workerEnd(host: WorkerHost, worker: Worker): unknown {
  host.workerDone?.(worker, worker.result, worker.error);
  // The client's callee sends a WampError with its URI and anything else as an application error.
  if (worker.failed) throw worker.error;
  return worker.result;
}

/**
 * Calls hook `name` of `providers`, then `next`: at once while no hook returned a promise
 * (none is made when no provider has the hook), else once it settled, in the worker's context.
 */
function hooksThen(
  host: WorkerHost,
  worker: Worker,
  providers: readonly DependencyProvider[],
  name: HookName,
  next: Step,
): unknown {
  const pending = providers.length > 0 ? hooks(host, providers, name, worker) : undefined;
  if (pending === undefined) return next(host, worker);
  return pending.then(() => resume(worker, () => next(host, worker)));
}

function callHook(provider: DependencyProvider, name: HookName, worker: Worker): void | Promise<void> {
  switch (name) {
    case 'workerSetup':
      return provider.workerSetup!(worker);
    case 'workerResult':
      return provider.workerResult!(worker, worker.result, worker.error);
    case 'workerTeardown':
      return provider.workerTeardown!(worker);
  }
}

/**
 * The method's result. An async generator's yielded values go to the caller as progressive
 * results (dropped when the caller did not ask for progress); its return value is the result.
 */
async function finalValue(returned: unknown, call: CallContext): Promise<unknown> {
  if (!isAsyncGenerator(returned)) return await returned;
  for (;;) {
    const step = await returned.next();
    if (step.done) return step.value;
    call.progress?.([step.value]);
  }
}

function isAsyncGenerator(value: unknown): value is AsyncGenerator<unknown, unknown, undefined> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AsyncGenerator)[Symbol.asyncIterator] === 'function' &&
    typeof (value as AsyncGenerator).next === 'function'
  );
}

/**
 * Calls one hook on every provider listed, in order; a hook that throws or rejects is logged,
 * never fails the call. Synchronous hooks (metrics, most providers) cost no promise: one is
 * made only from the first hook that returns one, and the rest wait for it in turn.
 */
function hooks(
  host: WorkerHost,
  providers: readonly DependencyProvider[],
  name: HookName,
  worker: Worker,
): Promise<void> | undefined {
  for (let i = 0; i < providers.length; i++) {
    let returned: void | Promise<void>;
    try {
      returned = callHook(providers[i], name, worker);
    } catch (err) {
      hookFailed(host, providers[i], name, err);
      continue;
    }
    if (returned instanceof Promise) return hooksFrom(host, providers, name, worker, i, returned);
  }
  return undefined;
}

async function hooksFrom(
  host: WorkerHost,
  providers: readonly DependencyProvider[],
  name: HookName,
  worker: Worker,
  index: number,
  returned: Promise<void>,
): Promise<void> {
  for (let i = index; i < providers.length; i++) {
    try {
      await (i === index ? returned : callHook(providers[i], name, worker));
    } catch (err) {
      hookFailed(host, providers[i], name, err);
    }
  }
}

function hookFailed(host: WorkerHost, provider: DependencyProvider, name: string, err: unknown): void {
  host.logger.error({ err, provider: provider.constructor.name }, `dependency provider ${name} hook failed`);
}
