import { ProtocolError } from '../protocol/errors';
import {
  MessageType,
  type Event,
  type SubscribeOptions,
  type Subscribed,
  type Unsubscribed,
} from '../protocol/messages';
import { PendingRequests } from './pending';
import type { ErrorTable, MessageTable, Role, SessionLink } from './role';
import type { Subscription } from './subscription';
import type { ClientSubscribeOptions, EventInfo } from './types';

/** The subscriber role: SUBSCRIBE / UNSUBSCRIBE and EVENT delivery. */
export class Subscriber implements Role {
  /** The broker gives one id per topic and match: every handler of this session on it, by id. */
  private readonly subscriptions = new Map<number, Set<Subscription>>();
  /** Ids with an UNSUBSCRIBE in flight: EVENTs still on the way are dropped, not a violation. */
  private readonly retiring = new Set<number>();
  private readonly subscribing = new PendingRequests<Subscription>('SUBSCRIBE');
  private readonly unsubscribing = new PendingRequests<number>('UNSUBSCRIBE');

  readonly messages: MessageTable = {
    [MessageType.SUBSCRIBED]: (m) => this.onSubscribed(m),
    [MessageType.UNSUBSCRIBED]: (m) => this.onUnsubscribed(m),
    [MessageType.EVENT]: (m) => this.onEvent(m),
  };

  readonly errors: ErrorTable = {
    [MessageType.SUBSCRIBE]: (m) => this.subscribing.rejectWithError(m),
    [MessageType.UNSUBSCRIBE]: (m) => this.unsubscribing.rejectWithError(m),
  };

  constructor(private readonly link: SessionLink) {}

  /** Subscribes `subscription` with the broker; resolves once SUBSCRIBED arrived. */
  subscribe(subscription: Subscription): Promise<void> {
    try {
      this.link.assertOpen();
      const options = this.wireOptions(subscription.options);
      const request = this.link.nextId();
      const { topic } = subscription;
      return this.subscribing.send(request, subscription, () =>
        this.link.send({ type: MessageType.SUBSCRIBE, request, options, topic }),
      );
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  /** Stops the handler at once; UNSUBSCRIBEs when it was the last handler on its id. */
  unsubscribe(subscription: Subscription): Promise<void> {
    const id = subscription.id;
    const handlers = this.subscriptions.get(id);
    if (handlers === undefined || !handlers.delete(subscription)) return Promise.resolve();
    subscription.deactivate();
    if (handlers.size > 0) return Promise.resolve();
    this.subscriptions.delete(id);
    this.retiring.add(id);
    try {
      const request = this.link.nextId();
      return this.unsubscribing.send(request, id, () =>
        this.link.send({ type: MessageType.UNSUBSCRIBE, request, subscription: id }),
      );
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  close(error: Error): void {
    this.subscribing.rejectAll(error);
    // The broker drops a session's subscriptions with it: an UNSUBSCRIBE in flight has its way.
    this.unsubscribing.resolveAll();
    for (const handlers of this.subscriptions.values()) for (const s of handlers) s.deactivate();
    this.subscriptions.clear();
    this.retiring.clear();
  }

  /** SUBSCRIBE options; a pattern the broker lacks fails rather than become an exact topic. */
  private wireOptions(options: ClientSubscribeOptions): SubscribeOptions {
    const wire: SubscribeOptions = { ...options.custom };
    if (options.match === undefined || options.match === 'exact') return wire;
    this.link.router.require('broker', 'pattern_based_subscription', `match: '${options.match}'`);
    wire.match = options.match;
    return wire;
  }

  // [SUBSCRIBED, SUBSCRIBE.Request|id, Subscription|id]
  private onSubscribed(message: Subscribed): void {
    const pending = this.subscribing.take(message.request, 'SUBSCRIBED');
    let handlers = this.subscriptions.get(message.subscription);
    if (handlers === undefined) {
      handlers = new Set();
      this.subscriptions.set(message.subscription, handlers);
    }
    handlers.add(pending.context);
    pending.context.activate(message.subscription);
    pending.resolve();
  }

  // [UNSUBSCRIBED, UNSUBSCRIBE.Request|id, Details|dict?]; request 0 and Details.subscription
  // when the broker revokes a subscription (spec: subscription revocation).
  private onUnsubscribed(message: Unsubscribed): void {
    if (message.request === 0) return this.revoke(message);
    const pending = this.unsubscribing.take(message.request, 'UNSUBSCRIBED');
    this.retiring.delete(pending.context);
    pending.resolve();
  }

  private revoke(message: Unsubscribed): void {
    const id = message.details?.subscription;
    const handlers = typeof id === 'number' ? this.subscriptions.get(id) : undefined;
    if (handlers === undefined) {
      throw new ProtocolError(
        `UNSUBSCRIBED revokes subscription ${String(id)}, which this session does not hold`,
        {
          messageName: 'UNSUBSCRIBED',
        },
      );
    }
    this.subscriptions.delete(id as number);
    for (const subscription of handlers) subscription.deactivate();
    this.link.logger.info({ subscription: id, reason: message.details?.reason }, 'subscription revoked');
  }

  // [EVENT, SUBSCRIBED.Subscription|id, PUBLISHED.Publication|id, Details|dict, Arguments|list?, ArgumentsKw|dict?]
  private onEvent(message: Event): void {
    const handlers = this.subscriptions.get(message.subscription);
    if (handlers === undefined) {
      if (this.retiring.has(message.subscription)) return;
      throw new ProtocolError(
        `EVENT for subscription id ${message.subscription}, which this session does not hold`,
        {
          messageName: 'EVENT',
        },
      );
    }
    if (handlers.size === 1) {
      // Mostly one handler per subscription: no copy to make.
      for (const subscription of handlers) return this.deliver(subscription, message);
    }
    // A copy: a handler may unsubscribe another one of the same subscription.
    for (const subscription of [...handlers]) this.deliver(subscription, message);
  }

  private deliver(subscription: Subscription, message: Event): void {
    const { details } = message;
    const event: EventInfo = {
      topic: details.topic ?? subscription.topic,
      publication: message.publication,
      publisher: details.publisher,
      publisherAuthid: details.publisher_authid,
      publisherAuthrole: details.publisher_authrole,
      subscription,
      details,
    };
    try {
      const outcome = subscription.handler(message.args ?? [], message.kwargs ?? {}, event);
      if (outcome instanceof Promise) outcome.catch((err: unknown) => this.handlerFailed(err, event));
    } catch (err) {
      this.handlerFailed(err, event);
    }
  }

  private handlerFailed(err: unknown, event: EventInfo): void {
    this.link.logger.error({ err, topic: event.topic }, 'event handler failed; the session goes on');
  }
}
