import type { Logger } from '../logger';
import type { IdSequence } from '../protocol/ids';
import type { Id } from '../protocol/messages';
import { createAuthenticators, type Authenticator } from './auth';
import type { AuthOptions } from './auth/options';
import { Authorizer } from './authorizer';
import { Broker } from './broker';
import { Dealer } from './dealer';
import { MetaApi } from './meta';
import type { RoleOptions } from './options';
import type { RouterSession } from './router-session';

/** What a realm is made of: its roles and how its sessions authenticate. */
export interface RealmSetup {
  roles?: readonly RoleOptions[];
  auth?: AuthOptions;
}

/**
 * One routing namespace (spec: realm): its established sessions, its dealer and broker,
 * who may join (authenticators) and who may do what (authorizer), and its meta API.
 */
export class Realm {
  readonly sessions = new Map<Id, RouterSession>();
  readonly authenticators: ReadonlyMap<string, Authenticator>;
  readonly authorizer: Authorizer;
  readonly dealer: Dealer;
  readonly broker: Broker;
  readonly meta: MetaApi;

  constructor(
    readonly name: string,
    setup: RealmSetup,
    /** Registration and subscription ids: one sequence per router, so they are unique across realms. */
    readonly ids: IdSequence,
    readonly logger: Logger,
  ) {
    this.authenticators = createAuthenticators(setup.auth);
    this.authorizer = new Authorizer(setup.roles);
    this.dealer = new Dealer(this);
    this.broker = new Broker(this);
    this.meta = new MetaApi(this);
  }

  /** An authenticated session joins (its WELCOME is already sent). */
  join(session: RouterSession): void {
    if (session.state !== 'established') return;
    this.sessions.set(session.id, session);
    this.meta.sessionJoined(session);
  }

  /** A session leaves, for any reason: its registrations, subscriptions and calls are cleaned up. */
  leave(session: RouterSession): void {
    if (!this.sessions.delete(session.id)) return;
    // Subscriptions first, so the leaving session gets none of the meta events that follow.
    this.broker.sessionLeft(session);
    this.dealer.sessionLeft(session);
    this.meta.sessionLeft(session);
  }
}
