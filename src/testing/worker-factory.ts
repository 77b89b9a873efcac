import { container as rootContainer, type InjectionToken } from 'tsyringe';
import { createServiceProxy } from '../client/proxy';
import { createLogger } from '../logger';
import type { Args, Kwargs } from '../protocol/messages';
import type { ServiceClass } from '../service/definition';
import { EventDispatcher } from '../service/events';
import { readServiceDefinition } from '../service/metadata';
import { requestedProxies, rpcProxy } from '../service/proxy';
import { LOGGER, SERVICE_NAME, SETTINGS, WAMP_CONNECTION } from '../service/tokens';

/** An event a service under test dispatched or published. */
export interface RecordedEvent {
  topic: string;
  /** What `dispatch` was given (undefined for `publish`). */
  payload?: unknown;
  args: Args;
  kwargs: Kwargs;
}

/** Stands in for `EventDispatcher` in `workerFactory`: records instead of publishing. */
export class RecordingDispatcher {
  readonly events: RecordedEvent[] = [];

  async dispatch(topic: string, payload?: unknown): Promise<void> {
    this.events.push({ topic, payload, args: payload === undefined ? [] : [payload], kwargs: {} });
  }

  async publish(topic: string, args: Args = [], kwargs: Kwargs = {}): Promise<void> {
    this.events.push({ topic, args, kwargs });
  }

  /** The payloads dispatched on `topic`, in order. */
  payloads(topic: string): unknown[] {
    return this.events.filter((e) => e.topic === topic).map((e) => e.payload);
  }
}

/** What `workerFactory` returns. */
export interface WorkerUnderTest<T> {
  /** The service instance, its dependencies replaced. */
  readonly service: T;
  /** The events it dispatched (unless `EventDispatcher` was replaced). */
  readonly events: RecordingDispatcher;
}

/**
 * A service instance with its dependencies replaced and no network (nameko's
 * `worker_factory`): call its methods directly. Proxies to other services that are not
 * replaced fail when called, naming what to replace; `EventDispatcher` records events;
 * plain classes are constructed by DI as usual.
 *
 * @example
 * ```ts
 * const { service, events } = workerFactory(OrdersService, [[rpcProxy('payments'), { charge: async () => 'ok' }]]);
 * await service.place('apple');
 * expect(events.payloads('orders.placed')).toHaveLength(1);
 * ```
 */
export function workerFactory<T extends object>(
  target: ServiceClass<T>,
  replacements: Array<[InjectionToken<unknown>, unknown]> = [],
): WorkerUnderTest<T> {
  const { name } = readServiceDefinition(target);
  const di = rootContainer.createChildContainer();
  const events = new RecordingDispatcher();
  di.registerInstance(EventDispatcher, events as unknown as EventDispatcher);
  di.registerInstance(LOGGER, createLogger({ level: 'silent' }));
  di.registerInstance(SETTINGS, {});
  di.registerInstance(SERVICE_NAME, name);
  di.registerInstance(WAMP_CONNECTION, offline('the WAMP connection', 'WAMP_CONNECTION'));
  for (const proxied of requestedProxies()) {
    di.registerInstance(
      rpcProxy(proxied),
      createServiceProxy(proxied, async (procedure) => {
        throw new Error(
          `workerFactory: ${procedure} was called, but rpcProxy('${proxied}') was not replaced`,
        );
      }),
    );
  }
  for (const [token, value] of replacements) di.registerInstance(token, value);
  return { service: di.resolve(target), events };
}

/** A stand-in that fails on any use, saying what to replace. */
function offline(what: string, token: string): object {
  return new Proxy(
    {},
    {
      get(_t, property) {
        if (property === 'then') return undefined;
        throw new Error(
          `workerFactory: ${what} was used (${String(property)}); replace ${token} to provide one`,
        );
      },
    },
  );
}
