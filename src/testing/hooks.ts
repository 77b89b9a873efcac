import type { InjectionToken } from 'tsyringe';
import type { Client } from '../client/connect';
import type { Args, Kwargs } from '../protocol/messages';
import type { ServiceContainer, WorkerOutcome } from '../service/container';

/**
 * Calls the entrypoint on `method` through the container, as if the call had arrived:
 * argument binding and checks, the concurrency limit, call context and dependency providers
 * all apply; the network does not (nameko's `entrypoint_hook`).
 *
 * @example const total = await entrypointHook(system.container('orders'), 'quote', ['apple', 2]);
 */
export function entrypointHook(
  container: ServiceContainer,
  method: string,
  args?: Args,
  kwargs?: Kwargs,
): Promise<unknown> {
  return container.runEntrypoint(method, args, kwargs);
}

/**
 * Replaces dependencies of a container that has not started (nameko's
 * `replace_dependencies`). With `runServices`, pass `replace` in its options instead.
 */
export function replaceDependencies(
  container: ServiceContainer,
  replacements: Array<[InjectionToken<unknown>, unknown]>,
): void {
  for (const [token, value] of replacements) container.replace(token, value);
}

/**
 * Resolves when the next call of `method` on any of `containers` has finished, with its
 * result or error (nameko's `entrypoint_waiter`). Create it before you trigger the call.
 *
 * @example
 * ```ts
 * const handled = entrypointWaiter(system.container('orders'), 'onPaid');
 * await system.client.publish('payments.received', [{ id: 1 }]);
 * const { result, error } = await handled;
 * ```
 */
export function entrypointWaiter(
  containers: ServiceContainer | ServiceContainer[],
  method: string,
  options: { timeout?: number; predicate?: (outcome: WorkerOutcome) => boolean } = {},
): Promise<WorkerOutcome> {
  const list = Array.isArray(containers) ? containers : [containers];
  const timeout = options.timeout ?? 5000;
  return new Promise((resolve, reject) => {
    const unsubscribe = list.map((c) =>
      c.onWorkerDone((outcome) => {
        if (outcome.worker.entrypoint.method !== method || (options.predicate && !options.predicate(outcome)))
          return;
        done();
        resolve(outcome);
      }),
    );
    const timer = setTimeout(() => {
      done();
      reject(new Error(`entrypointWaiter: ${method} did not run within ${timeout} ms`));
    }, timeout);
    const done = (): void => {
      clearTimeout(timer);
      for (const off of unsubscribe) off();
    };
  });
}

/** Resolves once every procedure in `procedures` is registered at the router (meta API). */
export function waitForRegistrations(client: Client, procedures: string[], timeout = 5000): Promise<void> {
  return waitForMeta(client, 'wamp.registration.lookup', procedures, timeout);
}

/** Resolves once every topic in `topics` has a subscription at the router (meta API). */
export function waitForSubscriptions(client: Client, topics: string[], timeout = 5000): Promise<void> {
  return waitForMeta(client, 'wamp.subscription.lookup', topics, timeout);
}

async function waitForMeta(client: Client, lookup: string, uris: string[], timeout: number): Promise<void> {
  const deadline = Date.now() + timeout;
  let missing = uris;
  for (;;) {
    const found = await Promise.all(missing.map((uri) => client.call(lookup, [uri])));
    missing = missing.filter((_uri, i) => found[i] == null);
    if (missing.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`still missing at the router after ${timeout} ms: ${missing.join(', ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
