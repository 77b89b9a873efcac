import { WServiceErrorUri } from '../errors';
import { ErrorUri, ProtocolError } from '../protocol/errors';
import { MessageType, type Dict, type Id, type MessageOf, type Roles } from '../protocol/messages';
import { isValidUri } from '../protocol/uri';
import { offeredMethods } from './auth';
import {
  isFailure,
  type AuthChallenge,
  type AuthFailure,
  type AuthOutcome,
  type Identity,
} from './auth/authenticator';
import { CLIENT_ROLES } from './features';
import { TRUSTED_METHOD } from './procedure-caller';
import type { ResolvedLimits } from './options';
import type { Realm } from './realm';
import type { RouterSession } from './router-session';

/** What the handshake needs from the router. */
export interface HandshakeHost {
  readonly limits: ResolvedLimits;
  /** The realm called `name`, created first when the router allows it. */
  findRealm(name: string): Realm | undefined;
  /** A fresh session id for `session`, or undefined when `maxSessions` is reached. */
  admit(session: RouterSession): Id | undefined;
  /** True while the router is over its buffer budget and refuses new sessions. */
  overloaded(): boolean;
}

/** ABORT reason when `maxSessions` is reached (no spec URI exists for it). */
export const TOO_MANY_SESSIONS = WServiceErrorUri.TOO_MANY_SESSIONS;

/**
 * Opening a session (spec: "Session Establishment", "Authentication"): HELLO picks the realm
 * and the authmethod, the session gets its id, then a CHALLENGE when the method has one, and
 * WELCOME or ABORT. The session makes each transition; this decides which.
 */
export class Handshake {
  constructor(private readonly host: HandshakeHost) {}

  // [HELLO, Realm|uri, Details|dict]
  hello(session: RouterSession, message: MessageOf<typeof MessageType.HELLO>): void {
    const { details } = message;
    checkHelloDetails(details);
    if (!isValidUri(message.realm)) {
      return session.abort(ErrorUri.INVALID_URI, `"${message.realm}" is not a valid realm URI`);
    }
    const realm = this.host.findRealm(message.realm);
    if (realm === undefined) {
      session.logger.info({ realm: message.realm }, 'HELLO for an unknown realm');
      return session.abort(ErrorUri.NO_SUCH_REALM, `no realm "${message.realm}" on this router`);
    }
    if (this.host.overloaded()) {
      return session.abort(
        WServiceErrorUri.ROUTER_OVERLOADED,
        'the router is over its buffer budget; try again later',
      );
    }
    const id = this.host.admit(session);
    if (id === undefined) {
      session.logger.warn(
        { maxSessions: this.host.limits.maxSessions },
        'session limit reached; refusing HELLO',
      );
      return session.abort(TOO_MANY_SESSIONS, 'the router has reached its maximum number of sessions');
    }
    session.acceptHello(id, details.roles);

    const offered = offeredMethods(details.authmethods);
    // A peer of the router's own process may join any realm, whatever its methods (the router's
    // caller of procedure hooks does).
    if (session.trusted && offered.includes(TRUSTED_METHOD)) {
      const authid = typeof details.authid === 'string' ? details.authid : TRUSTED_METHOD;
      return session.welcome(realm, {
        authid,
        authrole: TRUSTED_METHOD,
        authmethod: TRUSTED_METHOD,
        authprovider: 'router',
      });
    }
    const method = offered.find((m) => realm.authenticators.has(m));
    if (method === undefined) {
      session.logger.info({ realm: realm.name, offered }, 'no acceptable authmethod');
      return session.abort(
        ErrorUri.NO_AUTH_METHOD,
        `none of the offered authmethods (${offered.join(', ')}) is enabled on realm "${realm.name}"`,
      );
    }
    const { transport } = session;
    const outcome = realm.authenticators.get(method)!.hello({
      realm: realm.name,
      session: id,
      authid: typeof details.authid === 'string' ? details.authid : undefined,
      authextra: details.authextra ?? {},
      trusted: session.trusted,
      transport: {
        type: transport.kind,
        peer: transport.peer,
        ...(transport.origin === undefined ? {} : { origin: transport.origin }),
        ...(transport.peerCertificate === undefined ? {} : { certificate: transport.peerCertificate }),
      },
    });
    if (!(outcome instanceof Promise)) return proceed(session, realm, method, outcome);
    // A dynamic authenticator: no message of the client's counts until it has answered.
    session.awaitAuthenticator();
    whenStill(session, id, outcome, (settled) => proceed(session, realm, method, settled));
  }
}

function proceed(session: RouterSession, realm: Realm, method: string, outcome: AuthOutcome): void {
  switch (outcome.kind) {
    case 'accept':
      return welcome(session, realm, outcome.identity);
    case 'reject':
      return refuseAuthentication(session, method, outcome);
    case 'challenge':
      return session.challenge(
        { method, answer: (answer) => authenticate(session, realm, method, outcome, answer) },
        outcome.extra,
      );
  }
}

/**
 * Runs `then` with what `pending` settles to, if `session` still waits for it then (it may
 * have been closed, or timed out, meanwhile). A bug of ours in `then` ends this session only.
 */
function whenStill<T>(session: RouterSession, id: Id, pending: Promise<T>, then: (value: T) => void): void {
  pending
    .then((value) => {
      if (session.id === id && session.state === 'challenging') then(value);
    })
    .catch((error: unknown) => {
      session.logger.error({ err: error }, 'internal error in authentication');
      session.abort(WServiceErrorUri.INTERNAL, 'the router failed to authenticate the session');
    });
}

// [AUTHENTICATE, Signature|string, Extra|dict]
function authenticate(
  session: RouterSession,
  realm: Realm,
  method: string,
  challenge: AuthChallenge,
  message: MessageOf<typeof MessageType.AUTHENTICATE>,
): void {
  const result = challenge.verify({ signature: message.signature, extra: message.extra });
  const settle = (identity: Identity | AuthFailure) =>
    isFailure(identity) ? refuseAuthentication(session, method, identity) : welcome(session, realm, identity);
  if (!(result instanceof Promise)) return settle(result);
  session.awaitAuthenticator();
  whenStill(session, session.id, result, settle);
}

function welcome(session: RouterSession, realm: Realm, identity: Identity): void {
  if (!realm.authorizer.hasRole(identity.authrole)) {
    session.logger.warn(
      { authid: identity.authid, authrole: identity.authrole },
      'authenticated into a role the realm does not define',
    );
    return session.abort(
      ErrorUri.NO_SUCH_ROLE,
      `role "${identity.authrole}" is not defined on realm "${realm.name}"`,
    );
  }
  session.welcome(realm, identity);
}

function refuseAuthentication(session: RouterSession, method: string, failure: AuthFailure): void {
  session.logger.warn({ method, reason: failure.reason }, failure.detail ?? failure.message);
  session.authenticationRefused(method, failure.reason);
  session.abort(failure.reason, failure.message);
}

/** HELLO Details beyond the key types the codec checks (spec: at least one role is announced). */
function checkHelloDetails(details: MessageOf<typeof MessageType.HELLO>['details']): void {
  const roles = details.roles as Roles & Dict;
  if (!CLIENT_ROLES.some((role) => roles[role] !== undefined)) {
    throw new ProtocolError(`HELLO Details.roles must announce at least one of ${CLIENT_ROLES.join(', ')}`);
  }
}
