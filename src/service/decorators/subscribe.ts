import type { SubscribeOptions } from '../definition';
import { recordEntrypoint } from '../metadata';

/**
 * Handles events published to `topic`. The event's positional and keyword arguments map to
 * parameters like a call's. By default every instance of the service gets every event
 * (`delivery: 'broadcast'`); `delivery: 'pool'` hands each event to one instance of the
 * service, `delivery: 'singleton'` to one handler in the whole cluster.
 *
 * @example
 * ```ts
 * @Subscribe('orders.created') onOrder(order: Order) { ... }
 * ```
 */
export function Subscribe(topic: string, options: SubscribeOptions = {}): MethodDecorator {
  return (prototype, method) => {
    recordEntrypoint(prototype, { kind: 'subscribe', method: String(method), topic, options });
  };
}
