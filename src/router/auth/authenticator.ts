import type { Dict, Id } from '../../protocol/messages';

/** Who a session is, once authenticated. */
export interface Identity {
  authid: string;
  authrole: string;
  authmethod: string;
  /** Where the identity was checked: `static` for users listed in the router options. */
  authprovider: string;
  /** Sent back in WELCOME Details. */
  authextra?: Dict;
}

/** What a session asks to be, from HELLO. */
export interface AuthRequest {
  realm: string;
  session: Id;
  /** HELLO Details `authid`, when the client gave one. */
  authid?: string;
  /** HELLO Details `authextra`. */
  authextra: Dict;
  /**
   * True for a peer in the router's own process (`Router.attach(t, { trusted: true })`): it
   * may name its own authid even when joining anonymously.
   */
  trusted: boolean;
}

/** The client's answer to a CHALLENGE. */
export interface AuthResponse {
  signature: string;
  extra: Dict;
}

/** A refusal: ABORT with `reason`, and `message` in Details. */
export interface AuthFailure {
  kind: 'reject';
  reason: string;
  message: string;
}

/** A CHALLENGE to send, and how to check the AUTHENTICATE that answers it. */
export interface AuthChallenge {
  kind: 'challenge';
  extra: Dict;
  verify(response: AuthResponse): Identity | AuthFailure;
}

export type AuthOutcome = { kind: 'accept'; identity: Identity } | AuthChallenge | AuthFailure;

/** One authentication method of a realm (spec: HELLO `authmethods`). */
export interface Authenticator {
  /** `anonymous`, `ticket`, `wampcra` or `cryptosign`. */
  readonly method: string;
  hello(request: AuthRequest): AuthOutcome;
}

/** The provider name of the authenticators built from router options. */
export const STATIC_PROVIDER = 'static';

/** The refusal every method gives for a wrong secret or an unknown authid (they look alike). */
export function authenticationFailed(message = 'authentication failed'): AuthFailure {
  return { kind: 'reject', reason: 'wamp.error.authentication_failed', message };
}

/** True when `value` is an AuthFailure rather than an Identity. */
export function isFailure(value: Identity | AuthFailure): value is AuthFailure {
  return (value as AuthFailure).kind === 'reject';
}

/** `record[key]` when it is the record's own entry: `__proto__` or `toString` are no authids. */
export function ownEntry<T>(record: Record<string, T>, key: string | undefined): T | undefined {
  return key !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
