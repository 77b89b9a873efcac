import type { Logger } from '../logger';
import { ProtocolError } from '../protocol/errors';
import type { IdSequence } from '../protocol/ids';
import { MessageType, messageName, type Id, type MessageOf } from '../protocol/messages';
import { createAuthenticators, type Authenticator } from './auth';
import type { HookOptions, LoadedHooks } from './auth/hook';
import type { AuthorizeFunction } from './auth/authorize';
import { AuthorizationGate } from './dynamic-authorizer';
import type { AuthOptions } from './auth/options';
import { ADMIN_ROLE, Authorizer, type UriReservation } from './authorizer';
import { Broker } from './broker';
import { Dealer } from './dealer';
import type { RealmMessage, RealmMessageType } from './dispatch';
import { MetaEvents, MetaProcedures } from './meta';
import type { RoleOptions } from './options';
import type { RouterSession, SessionRealm } from './router-session';

/** What a realm is made of: its roles and how its sessions authenticate. */
export interface RealmSetup {
  roles?: readonly RoleOptions[];
  auth?: AuthOptions;
  /** Without roles: allow everything instead of the default rules (development only). */
  permissive?: boolean;
  /** A dynamic authorizer in front of the dealer and broker. */
  authorizer?: HookOptions<AuthorizeFunction>;
  /** The dynamic authenticators and authorizers the options name, loaded. */
  hooks: LoadedHooks;
}

/** What a realm holds now, for `router.stats`. */
export interface RealmStats {
  registrations: number;
  subscriptions: number;
  callsInFlight: number;
  /** Publishers held back while the subscribers they feed drain. */
  heldPublishers: number;
}

/** The parts of a realm that handle what its sessions send. */
interface Handlers {
  readonly dealer: Dealer;
  readonly broker: Broker;
}

type Route<T extends RealmMessageType> = (
  handlers: Handlers,
  session: RouterSession,
  message: MessageOf<T>,
) => void;

/** Who handles each message of an established session: the dealer or the broker. */
const ROUTES: { readonly [T in RealmMessageType]: Route<T> } = {
  // [ERROR, INVOCATION, INVOCATION.Request|id, Details|dict, Error|uri, Arguments|list?, ArgumentsKw|dict?]
  // A client only ever answers an INVOCATION with ERROR; any other request type is a violation.
  [MessageType.ERROR]: ({ dealer }, s, m) => {
    if (m.requestType !== MessageType.INVOCATION) {
      throw new ProtocolError(`ERROR for ${messageName(m.requestType)} is not a message a client may send`);
    }
    dealer.invocationError(s, m);
  },
  [MessageType.PUBLISH]: ({ broker }, s, m) => broker.publish(s, m),
  [MessageType.SUBSCRIBE]: ({ broker }, s, m) => broker.subscribe(s, m),
  [MessageType.UNSUBSCRIBE]: ({ broker }, s, m) => broker.unsubscribe(s, m),
  [MessageType.CALL]: ({ dealer }, s, m) => dealer.call(s, m),
  [MessageType.CANCEL]: ({ dealer }, s, m) => dealer.cancel(s, m),
  [MessageType.REGISTER]: ({ dealer }, s, m) => dealer.register(s, m),
  [MessageType.UNREGISTER]: ({ dealer }, s, m) => dealer.unregister(s, m),
  [MessageType.YIELD]: ({ dealer }, s, m) => dealer.yield(s, m),
};

/**
 * One routing namespace (spec: realm): its established sessions, its dealer and broker,
 * who may join (authenticators) and who may do what (authorizer), and its meta API. The
 * realm wires its parts together; each gets only the collaborators it needs.
 */
export class Realm implements SessionRealm {
  readonly authenticators: ReadonlyMap<string, Authenticator>;
  readonly authorizer: Authorizer;
  private readonly sessions = new Map<Id, RouterSession>();
  private readonly dealer: Dealer;
  private readonly broker: Broker;
  private readonly handlers: Handlers;
  private readonly events: MetaEvents;
  private readonly procedures: MetaProcedures;
  private readonly gate: AuthorizationGate | undefined;

  constructor(
    readonly name: string,
    setup: RealmSetup,
    /** Registration and subscription ids: one sequence per router, so they are unique across realms. */
    ids: IdSequence,
    logger: Logger,
  ) {
    this.authenticators = createAuthenticators(setup.auth, (options) => setup.hooks.get(options));
    this.authorizer = new Authorizer(setup.roles, { permissive: setup.permissive });
    this.gate =
      setup.authorizer === undefined
        ? undefined
        : new AuthorizationGate(
            setup.hooks.get(setup.authorizer),
            logger,
            typeof setup.authorizer === 'object' && 'procedure' in setup.authorizer ? ADMIN_ROLE : undefined,
          );
    // Meta events are publications of this realm's broker, which reports subscriptions to them too.
    this.events = new MetaEvents((topic, args) => this.broker.publishFromRouter(topic, args));
    const common = { permissions: this.authorizer, ids, events: this.events, logger };
    this.broker = new Broker(common);
    // The meta procedures read the dealer's registrations, and the dealer answers calls to them.
    this.dealer = new Dealer({ ...common, metaProcedure: (uri) => this.procedures.procedure(uri) });
    this.procedures = new MetaProcedures({
      sessions: this.sessions,
      registrations: this.dealer.registrations,
      subscriptions: this.broker.subscriptions,
    });
    this.handlers = { dealer: this.dealer, broker: this.broker };
  }

  /** An authenticated session joins (its WELCOME is already sent). */
  join(session: RouterSession): void {
    this.sessions.set(session.id, session);
    this.events.sessionJoined(session);
  }

  receive(session: RouterSession, message: RealmMessage): void {
    // Without a dynamic authorizer, no closure on the hot path.
    if (this.gate === undefined) return this.route(session, message);
    this.gate.admit(session, message, () => this.route(session, message));
  }

  /**
   * A CALL as values (`Dealer.callDirect`); false when a dynamic authorizer would be asked
   * about it (its answer may come later): the CALL goes as a message. A trusted peer's calls
   * (the runner's services) are not asked about.
   */
  readonly callDirect: Dealer['callDirect'] = (caller, procedure, options, args, kwargs, reply) =>
    (this.gate === undefined || this.gate.unasked(caller)) &&
    this.dealer.callDirect(caller, procedure, options, args, kwargs, reply);

  /** @internal Calls its dealer handed over directly, for tests. */
  get directCalls(): number {
    return this.dealer.directTaken;
  }

  private route(session: RouterSession, message: RealmMessage): void {
    (ROUTES[message.type] as Route<typeof message.type>)(this.handlers, session, message as never);
  }

  /** A session leaves, for any reason: its registrations, subscriptions and calls are cleaned up. */
  leave(session: RouterSession): void {
    if (!this.sessions.delete(session.id)) return;
    this.gate?.sessionLeft(session);
    // Subscriptions first, so the leaving session gets none of the meta events that follow.
    this.broker.sessionLeft(session);
    this.dealer.sessionLeft(session);
    this.events.sessionLeft(session);
  }

  /** URIs were reserved: callees that may no longer hold their registrations lose them. */
  reserve(reservation: UriReservation): void {
    this.authorizer.reserve(reservation);
    this.dealer.revokeUnauthorized();
  }

  get stats(): RealmStats {
    return {
      registrations: this.dealer.registrations.size,
      subscriptions: this.broker.subscriptions.size,
      callsInFlight: this.dealer.callsInFlight,
      heldPublishers: this.broker.heldPublishers,
    };
  }

  /**
   * @internal For tests that check nothing leaks: how many sessions the dealer or the broker
   * still hold state for although they are no members of the realm (any is a leak).
   */
  strayedSessions(): number {
    const members = new Set(this.sessions.values());
    let strayed = 0;
    for (const part of [this.dealer, this.broker]) {
      for (const session of part.heldSessions()) if (!members.has(session)) strayed++;
    }
    return strayed;
  }

  /** Ends every call in flight (router stop): their timers must not outlive the router. */
  close(): void {
    this.dealer.close();
    this.broker.close();
  }
}
