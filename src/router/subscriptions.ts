import type { Id, MatchPolicy } from '../protocol/messages';
import type { RouterSession } from './router-session';
import { IdPatternTable } from './uri-pattern-map';

/**
 * A subscription: one (topic, match policy) and its subscribers. Every subscriber of it
 * receives the same subscription id (spec), so one EVENT frame serves them all.
 */
export interface Subscription {
  readonly id: Id;
  readonly uri: string;
  readonly match: MatchPolicy;
  /** ISO 8601, for the meta API. */
  readonly created: string;
  readonly subscribers: Set<RouterSession>;
}

/** The subscriptions of one realm, by id and by topic pattern. */
export class SubscriptionTable extends IdPatternTable<Subscription> {
  /** Every subscription an event on `topic` goes to: exact, prefix and wildcard ones. */
  matching(topic: string): Subscription[] {
    return this.patterns.matching(topic);
  }

  create(id: Id, uri: string, match: MatchPolicy): Subscription {
    return this.add({ id, uri, match, created: new Date().toISOString(), subscribers: new Set() });
  }

  /** Detaches `session`; true when the subscription is now empty and was deleted. */
  removeSubscriber(subscription: Subscription, session: RouterSession): boolean {
    subscription.subscribers.delete(session);
    if (subscription.subscribers.size > 0) return false;
    this.remove(subscription);
    return true;
  }
}
