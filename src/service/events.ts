import type { Connection } from '../client/connection';
import type { ClientPublishOptions } from '../client/types';
import type { Logger } from '../logger';
import type { Args, Kwargs } from '../protocol/messages';
import { currentContext } from './context';
import { CORRELATION_ATTRIBUTE } from './entrypoints/entrypoint';
import type { PoolDirectory } from './pool-directory';
import { poolDeliveryAvailable } from './router-features';

/** Options of `EventDispatcher.dispatch`. */
export interface DispatchOptions {
  /** Also deliver to the dispatching session's own handlers. Default true (nameko semantics). */
  includeMe?: boolean;
}

/**
 * Sends events from a service (nameko's `EventDispatcher`). Inject it by type.
 *
 * `dispatch(topic, payload)` publishes `payload` as the event's one positional argument, waits
 * for the router to acknowledge it, and hands it to one instance of each service that
 * handles `topic` with `delivery: 'pool'`.
 *
 * @example
 * ```ts
 * constructor(private readonly events: EventDispatcher) {}
 * await this.events.dispatch('orders.created', { id, total });
 * ```
 */
export class EventDispatcher {
  /** @internal Made by the service container. */
  constructor(
    private readonly connection: Connection,
    private readonly pools: PoolDirectory,
    private readonly logger: Logger,
  ) {}

  /** Publishes `payload` on `topic` and delivers it to pool handlers; resolves once the router accepted it. */
  async dispatch(topic: string, payload?: unknown, options: DispatchOptions = {}): Promise<void> {
    const args = payload === undefined ? [] : [payload];
    await this.publish(topic, args, {}, { acknowledge: true, excludeMe: options.includeMe === false });
    // Where the router cannot host pool procedures, pool handlers subscribed instead.
    const features = this.connection.session?.features;
    if (features !== undefined && !poolDeliveryAvailable(features)) return;
    const procedures = await this.pools.proceduresFor(topic);
    for (const procedure of procedures) {
      // One call per service; its shared registration picks the instance. Not awaited: an
      // event is not a call, the dispatcher does not wait for handlers.
      this.connection.call(procedure, args, {}, { custom: correlationOption() }).catch((err: unknown) => {
        this.logger.error({ err, topic, procedure }, 'pool event delivery failed');
      });
    }
  }

  /** Publishes with full control of arguments and options; no pool delivery. */
  async publish(
    topic: string,
    args?: Args,
    kwargs?: Kwargs,
    options: ClientPublishOptions = {},
  ): Promise<void> {
    await this.connection.publish(topic, args, kwargs, {
      ...options,
      custom: { ...correlationOption(), ...options.custom },
    });
  }
}

/** The current call's correlation id as a custom option, so it follows into the next hop. */
export function correlationOption(): Record<string, unknown> {
  const context = currentContext();
  return context ? { [CORRELATION_ATTRIBUTE]: context.correlationId } : {};
}
