import type { Connection } from '../client/connection';
import type { ClientPublishOptions } from '../client/types';
import type { Logger } from '../logger';
import type { Args, Kwargs } from '../protocol/messages';
import { currentContext } from './context';
import { CORRELATION_ATTRIBUTE } from './entrypoints/entrypoint';
import type { PoolDirectory } from './pool-directory';
import { poolDeliveryAvailable } from './router-features';
import type { ServiceTracer } from './tracing';

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
  /** @internal Made by the service container (and the test kit's `RecordingDispatcher`). */
  constructor(private readonly wire: EventWire) {}

  /** Publishes `payload` on `topic` and delivers it to pool handlers; resolves once the router accepted it. */
  async dispatch(topic: string, payload?: unknown, options: DispatchOptions = {}): Promise<void> {
    await this.wire.send({
      topic,
      args: payload === undefined ? [] : [payload],
      kwargs: {},
      options: withCorrelation({ acknowledge: true, excludeMe: options.includeMe === false }),
      dispatched: { payload },
    });
  }

  /** Publishes with full control of arguments and options; no pool delivery. */
  async publish(
    topic: string,
    args?: Args,
    kwargs?: Kwargs,
    options: ClientPublishOptions = {},
  ): Promise<void> {
    await this.wire.send({ topic, args, kwargs, options: withCorrelation(options) });
  }
}

/** @internal An event on its way out of a service. */
export interface OutgoingEvent {
  topic: string;
  args?: Args;
  kwargs?: Kwargs;
  options: ClientPublishOptions;
  /** Set for `dispatch` (nameko's event: one payload, pool handlers served too). */
  dispatched?: { payload: unknown };
}

/** @internal Where an `EventDispatcher` sends: the service's connection, or the test kit's recorder. */
export interface EventWire {
  send(event: OutgoingEvent): Promise<void>;
}

/**
 * @internal The live wire: publish on the service's connection, then hand dispatched events to
 * pools. With a tracer, one PRODUCER span covers the publication and its pool deliveries, and
 * every handler continues it.
 */
export function connectionEventWire(
  connection: Connection,
  pools: PoolDirectory,
  logger: Logger,
  tracer?: ServiceTracer,
): EventWire {
  const deliver = async (event: OutgoingEvent, trace?: Record<string, string>): Promise<void> => {
    const { topic, args, kwargs, dispatched } = event;
    const options =
      trace === undefined
        ? event.options
        : { ...event.options, custom: { ...event.options.custom, ...trace } };
    await connection.publish(topic, args, kwargs, options);
    if (dispatched === undefined) return;
    // Where the router cannot host pool procedures, pool handlers subscribed instead.
    const features = connection.session?.features;
    if (features !== undefined && !poolDeliveryAvailable(features)) return;
    for (const procedure of await pools.proceduresFor(topic)) {
      // One call per service; its shared registration picks the instance. Not awaited: an
      // event is not a call, the dispatcher does not wait for handlers.
      connection
        .call(procedure, args, {}, { custom: { ...correlationOption(), ...trace } })
        .catch((err: unknown) => {
          logger.error({ err, topic, procedure }, 'pool event delivery failed');
        });
    }
  };
  if (tracer === undefined) return { send: (event) => deliver(event) };
  return {
    send: (event) => {
      const outbound = tracer.publish(event.topic);
      return tracer.around(outbound, () => deliver(event, outbound.custom));
    },
  };
}

function withCorrelation(options: ClientPublishOptions): ClientPublishOptions {
  return { ...options, custom: { ...correlationOption(), ...options.custom } };
}

/** The current call's correlation id as a custom option, so it follows into the next hop. */
export function correlationOption(): Record<string, unknown> {
  const context = currentContext();
  return context ? { [CORRELATION_ATTRIBUTE]: context.correlationId } : {};
}
