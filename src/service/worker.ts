import { performance } from 'node:perf_hooks';
import type { Logger } from '../logger';
import type { Args, Kwargs } from '../protocol/messages';
import { bindArguments } from './arguments';
import { runInContext, type CallContext } from './context';
import type { ConcurrencyGate } from './concurrency';
import type { EntrypointDefinition } from './definition';
import type { DependencyProvider, WorkerContext } from './providers';

/** What every entrypoint of one service instance shares to run its workers. */
export interface WorkerHost {
  readonly service: string;
  readonly instance: object;
  readonly gate: ConcurrencyGate;
  readonly providers: readonly DependencyProvider[];
  readonly logger: Logger;
  /** Told when each worker ends, after the providers' hooks (for test waiters). */
  workerDone?(worker: WorkerContext, result: unknown, error: unknown): void;
}

/** The context fields an entrypoint knows when its call arrives. */
export type CallOrigin = Omit<CallContext, 'service' | 'kind' | 'method'>;

/**
 * Runs one entrypoint call: binds the arguments, waits for a concurrency slot, runs the
 * providers' worker hooks around the method inside the call context. A failure comes out as
 * the method threw it.
 */
export async function runWorker(
  host: WorkerHost,
  entrypoint: EntrypointDefinition,
  args: Args,
  kwargs: Kwargs,
  origin: CallOrigin,
): Promise<unknown> {
  const bound = bindArguments(entrypoint, args, kwargs);
  return host.gate.run(() => {
    const call: CallContext = {
      service: host.service,
      kind: entrypoint.kind,
      method: entrypoint.method,
      ...origin,
    };
    const worker: WorkerContext = {
      service: host.service,
      entrypoint,
      args: bound,
      call,
      startedAt: performance.now(),
      data: new Map(),
    };
    return runInContext(call, () => runWithHooks(host, worker));
  });
}

async function runWithHooks(host: WorkerHost, worker: WorkerContext): Promise<unknown> {
  await hooks(host, 'workerSetup', (p) => p.workerSetup?.(worker));
  let result: unknown;
  let error: unknown;
  let failed = false;
  try {
    const method = (host.instance as Record<string, (...a: unknown[]) => unknown>)[worker.entrypoint.method];
    result = await finalValue(method.apply(host.instance, worker.args as unknown[]), worker.call);
  } catch (err) {
    failed = true;
    error = err;
  }
  await hooks(host, 'workerResult', (p) => p.workerResult?.(worker, result, failed ? error : undefined));
  await hooks(host, 'workerTeardown', (p) => p.workerTeardown?.(worker), true);
  host.workerDone?.(worker, result, failed ? error : undefined);
  // The client's callee sends a WampError with its URI and anything else as an application error.
  if (failed) throw error;
  return result;
}

/**
 * The method's result. An async generator's yielded values go to the caller as progressive
 * results (dropped when the caller did not ask for progress); its return value is the result.
 */
async function finalValue(returned: unknown, call: CallContext): Promise<unknown> {
  if (!isAsyncGenerator(returned)) return returned;
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

/** Calls one hook on every provider; a hook that throws is logged, never fails the call. */
async function hooks(
  host: WorkerHost,
  name: string,
  call: (provider: DependencyProvider) => void | Promise<void>,
  reverse = false,
): Promise<void> {
  const list = reverse ? [...host.providers].reverse() : host.providers;
  for (const provider of list) {
    try {
      await call(provider);
    } catch (err) {
      host.logger.error(
        { err, provider: provider.constructor.name },
        `dependency provider ${name} hook failed`,
      );
    }
  }
}
