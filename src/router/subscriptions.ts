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
  readonly subscribers: ReadonlySet<RouterSession>;
}

/** What the table keeps of a subscription: the same, changeable. */
interface Entry extends Subscription {
  readonly subscribers: Set<RouterSession>;
}

/** The subscriptions of a realm as readers see them (the meta API): no way to change them. */
export interface SubscriptionIndex {
  readonly size: number;
  get(id: Id): Subscription | undefined;
  lookup(uri: string, match: MatchPolicy): Subscription | undefined;
  matching(topic: string): readonly Subscription[];
  list(match?: MatchPolicy): Subscription[];
}

/**
 * The subscriptions of one realm, by id, by topic pattern and by subscriber session; owned by
 * the realm's broker, the only one that changes them.
 */
export class SubscriptionTable extends IdPatternTable<Entry, RouterSession> implements SubscriptionIndex {
  /**
   * `matching`'s last answer and the topic it is for, until a subscription is made or deleted:
   * a publisher mostly publishes to a few topics in turn, and the answer for a topic changes
   * only then (subscribers are read from each subscription's own set as it is at dispatch).
   */
  private readonly lastMatch: { topic: string | undefined; found: readonly Subscription[] } = {
    topic: undefined,
    found: [],
  };

  /** Every subscription an event on `topic` goes to: exact, prefix and wildcard ones. */
  matching(topic: string): readonly Subscription[] {
    const last = this.lastMatch;
    if (last.topic === topic) return last.found;
    const found = this.patterns.matching(topic);
    last.topic = topic;
    last.found = found;
    return found;
  }

  create(id: Id, uri: string, match: MatchPolicy): Subscription {
    this.forgetLastMatch();
    return this.add({ id, uri, match, created: new Date().toISOString(), subscribers: new Set() });
  }

  /** Attaches `session`; false when it was already a subscriber. */
  addSubscriber(subscription: Subscription, session: RouterSession): boolean {
    const entry = subscription as Entry;
    if (entry.subscribers.has(session)) return false;
    entry.subscribers.add(session);
    this.attach(session, entry);
    return true;
  }

  /** Detaches `session`; true when the subscription is now empty and was deleted. */
  removeSubscriber(subscription: Subscription, session: RouterSession): boolean {
    // Every subscription handed out is one of this table's entries.
    const entry = subscription as Entry;
    entry.subscribers.delete(session);
    this.detach(session, entry);
    if (entry.subscribers.size > 0) return false;
    this.forgetLastMatch();
    this.remove(entry);
    return true;
  }

  private forgetLastMatch(): void {
    this.lastMatch.topic = undefined;
    this.lastMatch.found = [];
  }
}
