import { WServiceErrorUri } from '../errors';
import type { Logger } from '../logger';
import { ErrorUri, ProtocolError } from '../protocol/errors';
import { MessageType, type Dict, type Id, type MessageOf, type Roles } from '../protocol/messages';
import { isValidUri } from '../protocol/uri';
import { offeredMethods } from './auth';
import { isFailure, type AuthFailure, type Identity } from './auth/authenticator';
import { CLIENT_ROLES, ROUTER_ROLES } from './features';
import type { ResolvedLimits } from './options';
import type { Realm } from './realm';
import type { RouterSession } from './router-session';

/** What a session needs from the router to open and close. */
export interface HandshakeHost {
  readonly logger: Logger;
  readonly limits: ResolvedLimits;
  /** The realm called `name`, created first when the router allows it. */
  findRealm(name: string): Realm | undefined;
  /** A fresh session id for `session`, or undefined when `maxSessions` is reached. */
  admit(session: RouterSession): Id | undefined;
  /** `session` no longer holds its id. */
  release(session: RouterSession): void;
  /** `session`'s transport closed. */
  detached(session: RouterSession): void;
}

/** ABORT reason when `maxSessions` is reached (no spec URI exists for it). */
export const TOO_MANY_SESSIONS = WServiceErrorUri.TOO_MANY_SESSIONS;

/**
 * ABORT reason for a client that did not finish HELLO and authentication within
 * `limits.handshakeTimeout` (no spec URI exists for it).
 */
export const HANDSHAKE_TIMEOUT = WServiceErrorUri.HANDSHAKE_TIMEOUT;

// [HELLO, Realm|uri, Details|dict]
export function hello(session: RouterSession, message: MessageOf<typeof MessageType.HELLO>): void {
  const { details } = message;
  checkHelloDetails(details);
  if (!isValidUri(message.realm)) {
    return session.abort(ErrorUri.INVALID_URI, `"${message.realm}" is not a valid realm URI`);
  }
  const realm = session.host.findRealm(message.realm);
  if (realm === undefined) {
    session.logger.info({ realm: message.realm }, 'HELLO for an unknown realm');
    return session.abort(ErrorUri.NO_SUCH_REALM, `no realm "${message.realm}" on this router`);
  }
  const id = session.host.admit(session);
  if (id === undefined) {
    session.logger.warn(
      { maxSessions: session.host.limits.maxSessions },
      'session limit reached; refusing HELLO',
    );
    return session.abort(TOO_MANY_SESSIONS, 'the router has reached its maximum number of sessions');
  }
  session.id = id;
  session.roles = details.roles;

  const offered = offeredMethods(details.authmethods);
  const method = offered.find((m) => realm.authenticators.has(m));
  if (method === undefined) {
    session.logger.info({ realm: realm.name, offered }, 'no acceptable authmethod');
    return session.abort(
      ErrorUri.NO_AUTH_METHOD,
      `none of the offered authmethods (${offered.join(', ')}) is enabled on realm "${realm.name}"`,
    );
  }
  const outcome = realm.authenticators.get(method)!.hello({
    realm: realm.name,
    session: id,
    authid: typeof details.authid === 'string' ? details.authid : undefined,
    authextra: details.authextra ?? {},
    trusted: session.trusted,
  });
  switch (outcome.kind) {
    case 'accept':
      return welcome(session, realm, outcome.identity);
    case 'reject':
      return refuseAuthentication(session, method, outcome);
    case 'challenge':
      session.pendingAuth = { realm, method, challenge: outcome };
      session.state = 'challenging';
      session.send({ type: MessageType.CHALLENGE, authMethod: method, extra: outcome.extra });
  }
}

// [AUTHENTICATE, Signature|string, Extra|dict]
export function authenticate(
  session: RouterSession,
  message: MessageOf<typeof MessageType.AUTHENTICATE>,
): void {
  const pending = session.pendingAuth!;
  const result = pending.challenge.verify({ signature: message.signature, extra: message.extra });
  if (isFailure(result)) return refuseAuthentication(session, pending.method, result);
  welcome(session, pending.realm, result);
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
  session.establish(realm, identity);
  const details: Dict = {
    realm: realm.name,
    roles: ROUTER_ROLES,
    authid: identity.authid,
    authrole: identity.authrole,
    authmethod: identity.authmethod,
    authprovider: identity.authprovider,
  };
  if (identity.authextra !== undefined) details.authextra = identity.authextra;
  session.send({ type: MessageType.WELCOME, session: session.id, details: details as never });
  session.logger.info({ authrole: identity.authrole, authmethod: identity.authmethod }, 'session joined');
  realm.join(session);
}

function refuseAuthentication(session: RouterSession, method: string, failure: AuthFailure): void {
  session.logger.warn({ method, reason: failure.reason }, failure.message);
  session.abort(failure.reason, failure.message);
}

/** HELLO Details beyond the key types the codec checks (spec: at least one role is announced). */
function checkHelloDetails(details: MessageOf<typeof MessageType.HELLO>['details']): void {
  const roles = details.roles as Roles & Dict;
  if (!CLIENT_ROLES.some((role) => roles[role] !== undefined)) {
    throw new ProtocolError(`HELLO Details.roles must announce at least one of ${CLIENT_ROLES.join(', ')}`);
  }
}
