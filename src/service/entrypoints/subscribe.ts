import type { EventInfo } from '../../client/types';
import type { Registration } from '../../client/registration';
import type { Subscription } from '../../client/subscription';
import { wasReported } from '../../logger';
import type { Args, Kwargs } from '../../protocol/messages';
import { POOL_PROCEDURE_PREFIX, SINGLETON_PROCEDURE_PREFIX } from '../constants';
import type { SubscribeDefinition } from '../definition';
import { poolDeliveryAvailable } from '../router-features';
import { runWorker, type EntrypointWorkers } from '../worker';
import { correlationFrom, type Entrypoint, type EntrypointHost } from './entrypoint';

/** `@Subscribe` with `delivery: 'broadcast'`: every instance gets every event (WAMP semantics). */
export class BroadcastSubscribeEntrypoint implements Entrypoint {
  readonly label: string;
  private subscription?: Subscription;
  private readonly workers: EntrypointWorkers;

  constructor(
    private readonly host: EntrypointHost,
    private readonly definition: SubscribeDefinition,
  ) {
    this.label = `subscribe ${definition.topic}${definition.options.match === 'exact' ? '' : ` (${definition.options.match})`}`;
    this.workers = host.workers(definition);
  }

  async start(): Promise<void> {
    this.subscription = await this.host.connection.subscribe(
      this.definition.topic,
      (a, k, e) => this.deliver(a, k, e),
      {
        match: this.definition.options.match,
      },
    );
  }

  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.unsubscribe();
  }

  kill(): void {
    this.subscription = undefined;
  }

  private async deliver(args: Args, kwargs: Kwargs, event: EventInfo): Promise<void> {
    try {
      await runWorker(this.workers, args, kwargs, {
        uri: event.topic,
        caller: event.publisher,
        callerAuthid: event.publisherAuthid,
        callerAuthrole: event.publisherAuthrole,
        correlationId: correlationFrom(event.details),
        details: event.details,
        signal: this.host.killSignal,
      });
    } catch (err) {
      // The call logger has logged it (at info for a WampError, at error otherwise).
      if (wasReported(err)) return;
      this.host.logger.error(
        { err, topic: event.topic, method: this.definition.method },
        'event handler failed',
      );
    }
  }
}

/**
 * The procedure behind a pool handler: `wservice.pool.<topic>.<service>` with dots in the
 * service name replaced by `_`, so the last component is always the service.
 */
export function poolProcedure(service: string, topic: string): string {
  return `${POOL_PROCEDURE_PREFIX}.${topic}.${service.replace(/\./g, '_')}`;
}

/** The procedure behind every singleton handler of `topic`, whichever service: `wservice.singleton.<topic>`. */
export function singletonProcedure(topic: string): string {
  return `${SINGLETON_PROCEDURE_PREFIX}.${topic}`;
}

/** The topic of a pool or singleton procedure, or undefined for any other URI. */
export function poolTopic(procedure: string): string | undefined {
  if (procedure.startsWith(`${SINGLETON_PROCEDURE_PREFIX}.`))
    return procedure.slice(SINGLETON_PROCEDURE_PREFIX.length + 1) || undefined;
  if (!procedure.startsWith(`${POOL_PROCEDURE_PREFIX}.`)) return undefined;
  const rest = procedure.slice(POOL_PROCEDURE_PREFIX.length + 1);
  const cut = rest.lastIndexOf('.');
  return cut > 0 ? rest.slice(0, cut) : undefined;
}

/**
 * `@Subscribe` with `delivery: 'pool'` (nameko's service pool): one instance of the service
 * handles each event. Built on a shared registration: every instance registers the service's
 * pool procedure for the topic with `roundrobin`, and `EventDispatcher.dispatch` calls each
 * service's pool procedure once per event. `delivery: 'singleton'` (nameko's singleton) is
 * the same with one procedure per topic for every service, so one handler in the whole
 * cluster gets each event.
 */
export class PoolSubscribeEntrypoint implements Entrypoint {
  label: string;
  private registration?: Registration;
  private fallback?: BroadcastSubscribeEntrypoint;
  private readonly workers: EntrypointWorkers;

  constructor(
    private readonly host: EntrypointHost,
    private readonly definition: SubscribeDefinition,
  ) {
    this.label = `subscribe ${definition.topic} (${definition.options.delivery})`;
    this.workers = host.workers(definition);
  }

  async start(): Promise<void> {
    const features = this.host.connection.session?.features;
    if (features !== undefined && !poolDeliveryAvailable(features)) return this.startBroadcast();
    const { topic, options } = this.definition;
    const procedure =
      options.delivery === 'singleton' ? singletonProcedure(topic) : poolProcedure(this.host.service, topic);
    this.registration = await this.host.connection.register(
      procedure,
      (args, kwargs, context) =>
        runWorker(this.workers, args, kwargs, {
          uri: this.definition.topic,
          caller: context.caller,
          callerAuthid: context.callerAuthid,
          callerAuthrole: context.callerAuthrole,
          correlationId: correlationFrom(context.details),
          details: context.details,
          signal: () => AbortSignal.any([context.signal, this.host.killSignal]),
        }).then(() => undefined),
      { invoke: 'roundrobin', discloseCaller: true },
    );
  }

  async stop(): Promise<void> {
    const registration = this.registration;
    this.registration = undefined;
    await Promise.all([registration?.unregister(), this.fallback?.stop()]);
  }

  /**
   * Without shared registration or the registration meta API no dispatcher can find one
   * instance per service: the handler subscribes to the topic instead, so with one instance
   * nothing changes and with several each gets every event (said once, at start).
   */
  private async startBroadcast(): Promise<void> {
    this.label = `subscribe ${this.definition.topic} (${this.definition.options.delivery} as broadcast)`;
    this.host.logger.warn(
      { topic: this.definition.topic, method: this.definition.method },
      `the router lacks shared_registration or the registration meta API: ${this.definition.topic} is delivered as broadcast, to every instance of ${this.host.service}`,
    );
    this.fallback = new BroadcastSubscribeEntrypoint(this.host, this.definition);
    await this.fallback.start();
  }

  kill(): void {
    this.registration = undefined;
  }
}
