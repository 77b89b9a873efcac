import { ErrorUri } from '../protocol/errors';
import { randomId } from '../protocol/ids';
import {
  MessageType,
  type Args,
  type EventDetails,
  type Id,
  type Kwargs,
  type MessageOf,
  type Payload,
} from '../protocol/messages';
import { serializeForwarding } from '../protocol/frames';
import type { Frame, Serializer } from '../protocol/serializer';
import { carryPayload, type SplicedFrame } from '../protocol/serializers/raw-payload';
import { isReservedUri, isValidUri } from '../protocol/uri';
import { Backpressure } from './limits';
import type { RealmPartSetup } from './realm-part';
import { isValidPattern, readPublishOptions, type PublishRequest } from './request-options';
import type { RouterSession } from './router-session';
import { SubscriptionTable, type Subscription, type SubscriptionIndex } from './subscriptions';

/** Why some subscribers did not get an event (a slow subscriber's dropped event is not a problem). */
type DeliveryProblem = 'too_big' | 'unserializable';

/**
 * The meta event of a subscriber's drop episode (a wservice extension, in the namespace only
 * the router publishes in): once when its EVENTs start being dropped, once when they are
 * delivered again (or it leaves), with the counts.
 */
export const SESSION_ON_DROP = 'wamp.session.on_drop';

/** Options of events the router itself publishes (meta events): nobody is excluded. */
const ROUTER_PUBLICATION: PublishRequest = { acknowledge: false, excludeMe: false, discloseMe: false };

/** Where the broker reports subscriptions coming and going (the meta API's events). */
export interface SubscriptionEvents {
  subscriptionCreated(session: RouterSession, subscription: Subscription): void;
  subscribed(session: RouterSession, subscription: Subscription): void;
  unsubscribed(session: RouterSession, subscription: Subscription): void;
  subscriptionDeleted(session: RouterSession, subscription: Subscription): void;
}

/** What a broker works with, besides its own subscriptions. */
export type BrokerSetup = RealmPartSetup<SubscriptionEvents>;

/**
 * The broker of one realm (spec: "Publish and Subscribe"): exact, prefix and wildcard
 * subscriptions, and the fan-out of each PUBLISH. An EVENT is made once per matching
 * subscription and serialized once per serializer among its receivers; the payload is passed
 * through untouched (a JSON payload kept as bytes stays bytes for JSON subscribers).
 */
export class Broker {
  private readonly table = new SubscriptionTable();
  private readonly backpressure = new Backpressure();
  /** Subscribers whose EVENTs are being dropped, with their drop count when that started. */
  private readonly dropping = new Map<RouterSession, number>();
  /** Drop episodes that started or ended during a fan-out, published after it. */
  private readonly episodes: { session: RouterSession; dropping: boolean; dropped: number }[] = [];
  private reporting = false;
  /**
   * The last topic published to that is a valid URI outside the `wamp.` namespace: a publisher
   * mostly publishes to one topic in a row, and the URI rules need not run again for it.
   */
  private lastPublicTopic: string | undefined;

  constructor(private readonly setup: BrokerSetup) {}

  /** This realm's subscriptions, to read. */
  get subscriptions(): SubscriptionIndex {
    return this.table;
  }

  // [SUBSCRIBE, Request|id, Options|dict, Topic|uri]
  subscribe(session: RouterSession, message: MessageOf<typeof MessageType.SUBSCRIBE>): void {
    const { request, topic } = message;
    const refuse = (uri: string, text: string) => session.refuse(MessageType.SUBSCRIBE, request, uri, text);
    const match = message.options.match ?? 'exact';
    if (!isValidPattern(topic, match))
      return refuse(ErrorUri.INVALID_URI, `"${topic}" is not a valid ${match} topic URI`);
    if (!this.setup.permissions.permits(session, 'subscribe', topic)) {
      return refuse(ErrorUri.NOT_AUTHORIZED, `role "${session.authrole}" may not subscribe to "${topic}"`);
    }
    let subscription: Subscription | undefined = this.table.lookup(topic, match);
    const created = subscription === undefined;
    subscription ??= this.table.create(this.setup.ids.next(), topic, match);
    // spec: subscribing twice to the same topic and policy returns the same subscription.
    const added = this.table.addSubscriber(subscription, session);
    session.send({ type: MessageType.SUBSCRIBED, request, subscription: subscription.id });
    if (created) this.setup.events.subscriptionCreated(session, subscription);
    if (added) this.setup.events.subscribed(session, subscription);
  }

  // [UNSUBSCRIBE, Request|id, SUBSCRIBED.Subscription|id]
  unsubscribe(session: RouterSession, message: MessageOf<typeof MessageType.UNSUBSCRIBE>): void {
    const subscription = this.table.get(message.subscription);
    if (subscription === undefined || !this.table.holds(session, subscription)) {
      return session.refuse(
        MessageType.UNSUBSCRIBE,
        message.request,
        ErrorUri.NO_SUCH_SUBSCRIPTION,
        `this session holds no subscription ${message.subscription}`,
      );
    }
    session.send({ type: MessageType.UNSUBSCRIBED, request: message.request });
    this.detach(session, subscription);
  }

  // [PUBLISH, Request|id, Options|dict, Topic|uri, Arguments|list?, ArgumentsKw|dict?]
  publish(publisher: RouterSession, message: MessageOf<typeof MessageType.PUBLISH>): void {
    const { request, topic } = message;
    const options = readPublishOptions(message.options);
    if (topic !== this.lastPublicTopic) {
      if (!isValidUri(topic)) {
        return refusePublication(
          publisher,
          message,
          options,
          ErrorUri.INVALID_URI,
          `"${topic}" is not a valid topic URI`,
        );
      }
      if (isReservedUri(topic)) {
        const text = `"${topic}" is in the wamp. namespace, reserved for the router`;
        return refusePublication(publisher, message, options, ErrorUri.INVALID_URI, text);
      }
      this.lastPublicTopic = topic;
    }
    if (!this.setup.permissions.permits(publisher, 'publish', topic)) {
      const text = `role "${publisher.authrole}" may not publish to "${topic}"`;
      return refusePublication(publisher, message, options, ErrorUri.NOT_AUTHORIZED, text);
    }
    const publication = randomId();
    const subscriptions = this.table.matching(topic);
    const problem = this.dispatch(subscriptions, topic, publication, message, publisher, options);
    this.reportEpisodes();
    if (problem === 'too_big') {
      const text = 'the event is too large for the transport of some subscribers';
      refusePublication(publisher, message, options, ErrorUri.PAYLOAD_SIZE_EXCEEDED, text);
    } else if (problem === 'unserializable') {
      const text = 'the event payload cannot be serialized for some subscribers';
      refusePublication(publisher, message, options, ErrorUri.INVALID_ARGUMENT, text);
    } else if (options.acknowledge) {
      publisher.send({ type: MessageType.PUBLISHED, request, publication });
    }
  }

  /** An event from the router itself (meta events). */
  publishFromRouter(topic: string, args: Args, kwargs?: Kwargs): void {
    const subscriptions = this.table.matching(topic);
    if (subscriptions.length === 0) return;
    const problem = this.dispatch(
      subscriptions,
      topic,
      randomId(),
      { args, kwargs },
      null,
      ROUTER_PUBLICATION,
    );
    this.reportEpisodes();
    if (problem !== undefined)
      this.setup.logger.warn({ topic, problem }, 'a meta event reached not every subscriber');
  }

  /** Publishers held back now, while the subscribers they feed drain. */
  get heldPublishers(): number {
    return this.backpressure.held;
  }

  /** The sessions the broker holds state for: subscribers. */
  heldSessions(): Iterable<RouterSession> {
    return this.table.holders();
  }

  /** `session` left the realm: its subscriptions go (meta events fire). */
  sessionLeft(session: RouterSession): void {
    for (const subscription of this.table.heldBy(session)) this.detach(session, subscription);
    if (this.dropping.has(session)) {
      this.episodeEnded(session);
      this.reportEpisodes();
    }
  }

  /** Lets held-back publishers go (the realm closes). */
  close(): void {
    this.backpressure.releaseAll();
  }

  /**
   * Sends the EVENT to every eligible subscriber of the matching `subscriptions`. Returns why
   * some subscribers did not get it (too large for their transport, or a payload their
   * serializer cannot carry), if that happened; the others got it.
   */
  private dispatch(
    subscriptions: readonly Subscription[],
    topic: string,
    publication: Id,
    /** The PUBLISH (its Arguments / ArgumentsKw, raw or values, go on untouched), or the router's own. */
    payload: Payload,
    publisher: RouterSession | null,
    options: Readonly<PublishRequest>,
  ): DeliveryProblem | undefined {
    let problem: DeliveryProblem | undefined;
    for (const subscription of subscriptions) {
      // Custom attributes (`x_correlation_id`...) travel on untouched; spec keys follow.
      const details: EventDetails = options.custom === undefined ? {} : { ...options.custom };
      // spec: subscribers of a pattern learn the concrete topic.
      if (subscription.match !== 'exact') details.topic = topic;
      if (publisher !== null && options.discloseMe) {
        details.publisher = publisher.id;
        details.publisher_authid = publisher.authid;
        details.publisher_authrole = publisher.authrole;
      }
      const event = carryPayload<MessageOf<typeof MessageType.EVENT>>(
        { type: MessageType.EVENT, subscription: subscription.id, publication, details },
        payload,
      );
      const frames = new EventFrames(event);
      const mayReceive = this.deliveryCheck(subscription, topic);
      for (const subscriber of subscription.subscribers) {
        if (!isEligible(subscriber, publisher, options)) continue;
        if (mayReceive !== undefined && !mayReceive(subscriber)) continue;
        const frame = frames.for(subscriber);
        if (frame === null) {
          problem ??= 'unserializable';
          continue;
        }
        const outcome = subscriber.sendFrame(frame, true);
        if (outcome === 'sent') {
          if (publisher !== null) this.backpressure.consider(publisher.transport, subscriber);
          if (this.dropping.size !== 0 && this.dropping.has(subscriber)) this.episodeEnded(subscriber);
        } else if (outcome === 'dropped') {
          if (!this.dropping.has(subscriber)) this.episodeStarted(subscriber);
        } else if (outcome === 'too_big') problem = 'too_big';
      }
    }
    return problem;
  }

  /**
   * For a pattern subscription: who of its subscribers may receive an event on `topic`, being
   * allowed to subscribe to `topic` by exact URI (the pattern alone was judged when it was
   * made). Remembers the last role's verdict: subscribers mostly share a few roles. Exact
   * subscriptions were judged on this very URI and need no check.
   */
  private deliveryCheck(
    subscription: Subscription,
    topic: string,
  ): ((s: RouterSession) => boolean) | undefined {
    if (subscription.match === 'exact') return undefined;
    const { permissions } = this.setup;
    let lastRole: string | undefined;
    let lastVerdict = false;
    return (subscriber) => {
      if (subscriber.trusted) return true;
      if (subscriber.authrole !== lastRole) {
        lastRole = subscriber.authrole;
        lastVerdict = permissions.permits(subscriber, 'subscribe', topic);
      }
      return lastVerdict;
    };
  }

  private episodeStarted(session: RouterSession): void {
    this.dropping.set(session, session.droppedEvents - 1);
    this.episodes.push({ session, dropping: true, dropped: 0 });
  }

  private episodeEnded(session: RouterSession): void {
    const before = this.dropping.get(session) ?? session.droppedEvents;
    this.dropping.delete(session);
    this.episodes.push({ session, dropping: false, dropped: session.droppedEvents - before });
  }

  /** Publishes the drop episodes noted during a fan-out (after it: never from inside one). */
  private reportEpisodes(): void {
    if (this.reporting) return;
    this.reporting = true;
    try {
      for (let next = this.episodes.shift(); next !== undefined; next = this.episodes.shift()) {
        const { session, dropping, dropped } = next;
        this.publishFromRouter(SESSION_ON_DROP, [
          {
            session: session.id,
            authid: session.authid,
            authrole: session.authrole,
            dropping,
            dropped,
            dropped_events: session.droppedEvents,
          },
        ]);
      }
    } finally {
      this.reporting = false;
    }
  }

  private detach(session: RouterSession, subscription: Subscription): void {
    const deleted = this.table.removeSubscriber(subscription, session);
    this.setup.events.unsubscribed(session, subscription);
    if (deleted) this.setup.events.subscriptionDeleted(session, subscription);
  }
}

/**
 * The frames of one EVENT, one per serializer, shared by every subscriber that speaks it. The
 * first serializer's frame is kept in fields: a fan-out mostly has subscribers of one.
 */
class EventFrames {
  private firstSerializer: Serializer | undefined;
  private firstFrame: Frame | SplicedFrame | null = null;
  private others: Map<Serializer, Frame | SplicedFrame | null> | undefined;

  constructor(private readonly event: MessageOf<typeof MessageType.EVENT>) {}

  /** The frame for `subscriber`'s serializer, or null when that serializer cannot carry the event. */
  for(subscriber: RouterSession): Frame | SplicedFrame | null {
    const serializer = subscriber.transport.serializer;
    if (serializer === this.firstSerializer) return this.firstFrame;
    if (this.firstSerializer === undefined) {
      this.firstSerializer = serializer;
      return (this.firstFrame = serializeFor(subscriber, serializer, this.event));
    }
    this.others ??= new Map();
    let frame = this.others.get(serializer);
    if (frame === undefined)
      this.others.set(serializer, (frame = serializeFor(subscriber, serializer, this.event)));
    return frame;
  }
}

function serializeFor(
  subscriber: RouterSession,
  serializer: Serializer,
  event: MessageOf<typeof MessageType.EVENT>,
): Frame | SplicedFrame | null {
  try {
    return serializeForwarding(serializer, event);
  } catch (error) {
    // The publication is refused (or logged) once, by its publisher; this is the detail.
    subscriber.logger.debug(
      { err: error, serializer: serializer.name },
      'cannot serialize an event for this serializer',
    );
    return null;
  }
}

/** spec: without `acknowledge` the publisher hears nothing, not even errors; they are logged. */
function refusePublication(
  publisher: RouterSession,
  { request, topic }: MessageOf<typeof MessageType.PUBLISH>,
  options: Readonly<PublishRequest>,
  uri: string,
  text: string,
): void {
  if (options.acknowledge) publisher.refuse(MessageType.PUBLISH, request, uri, text);
  else publisher.logger.info({ topic, error: uri }, text);
}

/** spec: publisher exclusion and subscriber black- and whitelisting, by session, authid, authrole. */
function isEligible(
  subscriber: RouterSession,
  publisher: RouterSession | null,
  o: Readonly<PublishRequest>,
): boolean {
  if (subscriber === publisher && o.excludeMe) return false;
  if (o.eligible !== undefined && !o.eligible.has(subscriber.id)) return false;
  if (o.exclude?.has(subscriber.id)) return false;
  if (o.eligibleAuthid !== undefined && !o.eligibleAuthid.has(subscriber.authid)) return false;
  if (o.excludeAuthid?.has(subscriber.authid)) return false;
  if (o.eligibleAuthrole !== undefined && !o.eligibleAuthrole.has(subscriber.authrole)) return false;
  if (o.excludeAuthrole?.has(subscriber.authrole)) return false;
  return true;
}
