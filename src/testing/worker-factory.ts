import { container as rootContainer, type InjectionToken } from 'tsyringe';
import { createLogger } from '../logger';
import type { Args, Kwargs } from '../protocol/messages';
import type { ServiceClass } from '../service/definition';
import { EventDispatcher } from '../service/events';
import { readServiceDefinition } from '../service/metadata';
import { provideInjectables } from '../service/injectables';

/** An event a service under test dispatched or published. */
export interface RecordedEvent {
  topic: string;
  /** What `dispatch` was given (undefined for `publish`). */
  payload?: unknown;
  args: Args;
  kwargs: Kwargs;
}

/** Stands in for `EventDispatcher` in `workerFactory`: records instead of publishing. */
export class RecordingDispatcher extends EventDispatcher {
  readonly events: RecordedEvent[];

  constructor() {
    const events: RecordedEvent[] = [];
    super({
      send: async ({ topic, args = [], kwargs = {}, dispatched }) => {
        events.push(
          dispatched === undefined
            ? { topic, args, kwargs }
            : { topic, payload: dispatched.payload, args, kwargs },
        );
      },
    });
    this.events = events;
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
  provideInjectables(di, {
    connection: offline('the WAMP connection', 'WAMP_CONNECTION'),
    logger: createLogger({ level: 'silent' }),
    settings: {},
    name,
    events,
    proxyCall: (proxied) => async (procedure) => {
      throw new Error(`workerFactory: ${procedure} was called, but rpcProxy('${proxied}') was not replaced`);
    },
  });
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
