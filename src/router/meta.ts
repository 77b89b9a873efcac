import { ErrorUri, WampError } from '../protocol/errors';
import type { Dict, Id, MatchPolicy } from '../protocol/messages';
import { isValidUri } from '../protocol/uri';
import type { SubscriptionEvents } from './broker';
import type { MetaProcedure, RegistrationEvents } from './dealer';
import type { Registration, RegistrationIndex } from './registrations';
import type { RouterSession } from './router-session';
import type { Subscription, SubscriptionIndex } from './subscriptions';

/** Publishes an event from the router itself to the realm's subscribers (the broker does). */
export type RouterPublish = (topic: string, args: unknown[]) => void;

/** The established sessions of a realm, by session id. */
export type SessionDirectory = ReadonlyMap<Id, RouterSession>;

/**
 * The meta events of one realm (spec: "Session Meta API", "Registration Meta API",
 * "Subscription Meta API"): what it publishes as sessions, registrations and subscriptions
 * come and go. Subscribers need the `subscribe` permission on the topic. Argument shapes are
 * the spec's, positional.
 */
export class MetaEvents implements RegistrationEvents, SubscriptionEvents {
  constructor(private readonly publish: RouterPublish) {}

  sessionJoined(session: RouterSession): void {
    this.publish('wamp.session.on_join', [sessionDetails(session)]);
  }

  sessionLeft(session: RouterSession): void {
    this.publish('wamp.session.on_leave', [session.id, session.authid, session.authrole]);
  }

  registrationCreated(session: RouterSession, registration: Registration): void {
    this.publish('wamp.registration.on_create', [session.id, registrationDetails(registration)]);
  }

  registered(session: RouterSession, registration: Registration): void {
    this.publish('wamp.registration.on_register', [session.id, registration.id]);
  }

  unregistered(session: RouterSession, registration: Registration): void {
    this.publish('wamp.registration.on_unregister', [session.id, registration.id]);
  }

  registrationDeleted(session: RouterSession, registration: Registration): void {
    this.publish('wamp.registration.on_delete', [session.id, registration.id]);
  }

  subscriptionCreated(session: RouterSession, subscription: Subscription): void {
    this.publish('wamp.subscription.on_create', [session.id, subscriptionDetails(subscription)]);
  }

  subscribed(session: RouterSession, subscription: Subscription): void {
    this.publish('wamp.subscription.on_subscribe', [session.id, subscription.id]);
  }

  unsubscribed(session: RouterSession, subscription: Subscription): void {
    this.publish('wamp.subscription.on_unsubscribe', [session.id, subscription.id]);
  }

  subscriptionDeleted(session: RouterSession, subscription: Subscription): void {
    this.publish('wamp.subscription.on_delete', [session.id, subscription.id]);
  }
}

/** What the meta procedures read: a realm's sessions, registrations and subscriptions. */
export interface MetaView {
  readonly sessions: SessionDirectory;
  readonly registrations: RegistrationIndex;
  readonly subscriptions: SubscriptionIndex;
}

/**
 * The meta procedures of one realm: answered by the router itself, reading what `view`
 * shows. Callers need the `call` permission on the procedure URI.
 */
export class MetaProcedures {
  private readonly procedures: ReadonlyMap<string, MetaProcedure>;

  constructor(private readonly view: MetaView) {
    this.procedures = new Map(Object.entries(this.procedureTable()));
  }

  /** The router-provided procedure called `uri`, if there is one. */
  procedure(uri: string): MetaProcedure | undefined {
    return this.procedures.get(uri);
  }

  private procedureTable(): Record<string, MetaProcedure> {
    const { sessions, registrations, subscriptions } = this.view;
    return {
      // wamp.session.count(filter_authroles|list?) -> count|int
      'wamp.session.count': (_caller, args) => [sessionsWithRoles(sessions, args[0]).length],
      // wamp.session.list(filter_authroles|list?) -> session_ids|list
      'wamp.session.list': (_caller, args) => [sessionsWithRoles(sessions, args[0]).map((s) => s.id)],
      // wamp.session.get(session|id) -> details|dict
      'wamp.session.get': (_caller, args) => [sessionDetails(findSession(sessions, args[0]))],
      // wamp.session.kill(session|id, reason|uri=, message|string=) -> (nothing)
      'wamp.session.kill': (caller, args, kwargs) => {
        const target = findSession(sessions, args[0]);
        if (target === caller) throw noSuchSession(args[0]);
        kill([target], kwargs);
        return [];
      },
      // wamp.session.kill_by_authid(authid|string, reason|uri=, message|string=) -> sessions|list
      'wamp.session.kill_by_authid': (caller, args, kwargs) => {
        const authid = stringArgument(args[0], 'authid');
        return [
          kill(
            othersWhere(sessions, caller, (s) => s.authid === authid),
            kwargs,
          ),
        ];
      },
      // wamp.session.kill_by_authrole(authrole|string, reason|uri=, message|string=) -> count|int
      'wamp.session.kill_by_authrole': (caller, args, kwargs) => {
        const authrole = stringArgument(args[0], 'authrole');
        return [
          kill(
            othersWhere(sessions, caller, (s) => s.authrole === authrole),
            kwargs,
          ).length,
        ];
      },
      // wamp.session.kill_all(reason|uri=, message|string=) -> count|int
      'wamp.session.kill_all': (caller, _args, kwargs) => [
        kill(
          othersWhere(sessions, caller, () => true),
          kwargs,
        ).length,
      ],

      // wamp.registration.list() -> RegistrationLists|dict
      'wamp.registration.list': () => [idsByPolicy((m) => registrations.list(m))],
      // wamp.registration.lookup(procedure|uri, options|dict=) -> registration|id or null
      'wamp.registration.lookup': (_caller, args) => [
        registrations.lookup(stringArgument(args[0], 'procedure'), matchArgument(args[1]))?.id ?? null,
      ],
      // wamp.registration.match(procedure|uri) -> registration|id or null
      'wamp.registration.match': (_caller, args) => [
        registrations.match(stringArgument(args[0], 'procedure'))?.id ?? null,
      ],
      // wamp.registration.get(registration|id) -> RegistrationDetails|dict
      'wamp.registration.get': (_caller, args) => [
        registrationDetails(findRegistration(registrations, args[0])),
      ],
      // wamp.registration.list_callees(registration|id) -> callee_ids|list
      'wamp.registration.list_callees': (_caller, args) => [
        findRegistration(registrations, args[0]).callees.map((c) => c.session.id),
      ],
      // wamp.registration.count_callees(registration|id) -> count|int
      'wamp.registration.count_callees': (_caller, args) => [
        findRegistration(registrations, args[0]).callees.length,
      ],

      // wamp.subscription.list() -> SubscriptionLists|dict
      'wamp.subscription.list': () => [idsByPolicy((m) => subscriptions.list(m))],
      // wamp.subscription.lookup(topic|uri, options|dict=) -> subscription|id or null
      'wamp.subscription.lookup': (_caller, args) => [
        subscriptions.lookup(stringArgument(args[0], 'topic'), matchArgument(args[1]))?.id ?? null,
      ],
      // wamp.subscription.match(topic|uri) -> subscription_ids|list or null
      'wamp.subscription.match': (_caller, args) => {
        const ids = subscriptions.matching(stringArgument(args[0], 'topic')).map((s) => s.id);
        return [ids.length > 0 ? ids : null];
      },
      // wamp.subscription.get(subscription|id) -> SubscriptionDetails|dict
      'wamp.subscription.get': (_caller, args) => [
        subscriptionDetails(findSubscription(subscriptions, args[0])),
      ],
      // wamp.subscription.list_subscribers(subscription|id) -> subscriber_ids|list
      'wamp.subscription.list_subscribers': (_caller, args) => [
        [...findSubscription(subscriptions, args[0]).subscribers].map((s) => s.id),
      ],
      // wamp.subscription.count_subscribers(subscription|id) -> count|int
      'wamp.subscription.count_subscribers': (_caller, args) => [
        findSubscription(subscriptions, args[0]).subscribers.size,
      ],
    };
  }
}

/** The session details of `wamp.session.get` and `wamp.session.on_join` (spec). */
function sessionDetails(session: RouterSession): Dict {
  const details: Dict = {
    session: session.id,
    authid: session.authid,
    authrole: session.authrole,
    authmethod: session.authmethod,
    authprovider: session.authprovider,
    transport: {
      type: session.transport.kind,
      peer: session.transport.peer,
      serializer: session.transport.serializer.name,
    },
  };
  if (session.authextra !== undefined) details.authextra = session.authextra;
  return details;
}

function registrationDetails(r: Registration): Dict {
  return { id: r.id, created: r.created, uri: r.uri, match: r.match, invoke: r.invoke };
}

function subscriptionDetails(s: Subscription): Dict {
  return { id: s.id, created: s.created, uri: s.uri, match: s.match };
}

function idsByPolicy(list: (match: MatchPolicy) => { id: Id }[]): Dict {
  return {
    exact: list('exact').map((e) => e.id),
    prefix: list('prefix').map((e) => e.id),
    wildcard: list('wildcard').map((e) => e.id),
  };
}

function sessionsWithRoles(sessions: SessionDirectory, filter: unknown): RouterSession[] {
  const all = [...sessions.values()];
  if (filter === undefined || filter === null) return all;
  if (!Array.isArray(filter) || !filter.every((r) => typeof r === 'string')) {
    throw invalidArgument('filter_authroles must be a list of strings');
  }
  return all.filter((s) => filter.includes(s.authrole));
}

function othersWhere(
  sessions: SessionDirectory,
  caller: RouterSession,
  keep: (s: RouterSession) => boolean,
): RouterSession[] {
  return [...sessions.values()].filter((s) => s !== caller && keep(s));
}

/** Sends GOODBYE to each target (spec: reason defaults to `wamp.close.killed`); returns their ids. */
function kill(targets: RouterSession[], kwargs: Dict): Id[] {
  const reason = kwargs.reason ?? ErrorUri.KILLED;
  if (typeof reason !== 'string' || !isValidUri(reason)) {
    throw new WampError(ErrorUri.INVALID_URI, 'reason must be a valid, non-empty URI');
  }
  const message = kwargs.message;
  if (message !== undefined && typeof message !== 'string') throw invalidArgument('message must be a string');
  const ids = targets.map((s) => s.id);
  for (const target of targets) {
    target.logger.info({ reason }, 'session killed through the meta API');
    void target.goodbye(reason, message); // never rejects; the kill call does not wait for the reply
  }
  return ids;
}

function findSession(sessions: SessionDirectory, id: unknown): RouterSession {
  const session = typeof id === 'number' ? sessions.get(id) : undefined;
  if (session === undefined) throw noSuchSession(id);
  return session;
}

function findRegistration(registrations: RegistrationIndex, id: unknown): Registration {
  const registration = typeof id === 'number' ? registrations.get(id) : undefined;
  if (registration === undefined) {
    throw new WampError(ErrorUri.NO_SUCH_REGISTRATION, `no registration ${String(id)} on this realm`);
  }
  return registration;
}

function findSubscription(subscriptions: SubscriptionIndex, id: unknown): Subscription {
  const subscription = typeof id === 'number' ? subscriptions.get(id) : undefined;
  if (subscription === undefined) {
    throw new WampError(ErrorUri.NO_SUCH_SUBSCRIPTION, `no subscription ${String(id)} on this realm`);
  }
  return subscription;
}

function noSuchSession(id: unknown): WampError {
  return new WampError(ErrorUri.NO_SUCH_SESSION, `no other session ${String(id)} on this realm`);
}

function stringArgument(value: unknown, name: string): string {
  if (typeof value !== 'string') throw invalidArgument(`${name} must be a string`);
  return value;
}

function matchArgument(options: unknown): MatchPolicy {
  if (options === undefined || options === null) return 'exact';
  if (typeof options !== 'object' || Array.isArray(options))
    throw invalidArgument('options must be a dictionary');
  const match = (options as Dict).match ?? 'exact';
  if (match !== 'exact' && match !== 'prefix' && match !== 'wildcard') {
    throw invalidArgument('options.match must be one of exact, prefix, wildcard');
  }
  return match;
}

function invalidArgument(text: string): WampError {
  return new WampError(ErrorUri.INVALID_ARGUMENT, text);
}
