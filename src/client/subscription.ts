import { RouterEntry } from './entry';
import type { ClientSubscribeOptions, EventHandler } from './types';

/** Who undoes a subscription: the session that made it, or the `Connection` that restores it. */
export interface SubscriptionOwner {
  unsubscribe(subscription: Subscription): Promise<void>;
}

/**
 * A handler subscribed to a topic. A `Connection` re-subscribes it after a reconnect with the
 * same handler and options, so the object stays valid; `id` then changes. Several
 * subscriptions of one session to the same topic share the broker's subscription id.
 */
export class Subscription extends RouterEntry {
  /** @internal Made by `Session.subscribe` and `Connection.subscribe`. */
  constructor(
    /** The topic URI or pattern as subscribed. */
    readonly topic: string,
    readonly handler: EventHandler,
    readonly options: Readonly<ClientSubscribeOptions>,
    private readonly owner: SubscriptionOwner,
  ) {
    super();
  }

  /** Stops the handler (and UNSUBSCRIBEs when it was the last one on its id). */
  unsubscribe(): Promise<void> {
    return this.owner.unsubscribe(this);
  }
}
