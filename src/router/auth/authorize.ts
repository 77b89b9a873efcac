import type { Dict, Id } from '../../protocol/messages';
import type { TransportDetails } from './authenticator';

/** What a dynamic authorizer is asked about (the permission actions of the static rules). */
export type AuthorizeAction = 'call' | 'register' | 'subscribe' | 'publish';

/** Who asks, as a dynamic authorizer sees it (Crossbar.io's session details). */
export interface AuthorizationSession {
  session: Id;
  authid: string;
  authrole: string;
  authmethod: string;
  authprovider: string;
  authextra?: Dict;
  transport: TransportDetails;
}

/**
 * A dynamic authorizer's verdict: `true` / `false`, or `{ allow, cache }`. A boolean is cached
 * for the session (the same action on the same URI and match policy is not asked again);
 * `cache: false` asks every time.
 */
export type AuthorizationVerdict = boolean | { allow: boolean; cache?: boolean };

/**
 * A dynamic authorizer (realm option `authorizer`): called for every CALL, REGISTER, SUBSCRIBE
 * and PUBLISH of the realm's sessions (trusted in-process peers excepted) with the session,
 * the action, the URI and the request's options (`match` tells a pattern). Throwing, not
 * answering within the timeout or answering anything but a verdict denies.
 */
export type AuthorizeFunction = (
  session: AuthorizationSession,
  action: AuthorizeAction,
  uri: string,
  options: Dict,
) => AuthorizationVerdict | Promise<AuthorizationVerdict>;
