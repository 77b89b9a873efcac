import type { Dict, Id } from '../../protocol/messages';
import type { PeerCertificate } from '../../transport/transport';

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

/** The link a session came over, as authenticators see it. */
export interface TransportDetails {
  /** `websocket`, `rawsocket` or `inprocess`. */
  type: string;
  /** The peer's address (`127.0.0.1:53122`), or `inprocess`. */
  peer: string;
  /** The WebSocket upgrade's `Origin` header: set by browsers, absent for other clients. */
  origin?: string;
  /** The client's TLS certificate, when it presented one (listener `tls.requestCert`). */
  certificate?: PeerCertificate;
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
  transport: TransportDetails;
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
  /** For the router's log line only (what a dynamic authenticator said or did), never sent. */
  detail?: string;
}

/** A CHALLENGE to send, and how to check the AUTHENTICATE that answers it. */
export interface AuthChallenge {
  kind: 'challenge';
  extra: Dict;
  verify(response: AuthResponse): Identity | AuthFailure | Promise<Identity | AuthFailure>;
}

export type AuthOutcome = { kind: 'accept'; identity: Identity } | AuthChallenge | AuthFailure;

/** One authentication method of a realm (spec: HELLO `authmethods`). */
export interface Authenticator {
  /** `anonymous`, `ticket`, `wampcra` or `cryptosign`. */
  readonly method: string;
  /** A dynamic authenticator answers later: a promise (that never rejects). */
  hello(request: AuthRequest): AuthOutcome | Promise<AuthOutcome>;
}

/** The provider name of the authenticators built from router options. */
export const STATIC_PROVIDER = 'static';
/** The provider name of identities a dynamic authenticator gave. */
export const DYNAMIC_PROVIDER = 'dynamic';

/** The refusal every method gives for a wrong secret or an unknown authid (they look alike). */
export function authenticationFailed(message = 'authentication failed', detail?: string): AuthFailure {
  return { kind: 'reject', reason: 'wamp.error.authentication_failed', message, detail };
}

/** True when `value` is an AuthFailure rather than an Identity. */
export function isFailure(value: Identity | AuthFailure): value is AuthFailure {
  return (value as AuthFailure).kind === 'reject';
}

/** `record[key]` when it is the record's own entry: `__proto__` or `toString` are no authids. */
export function ownEntry<T>(record: Record<string, T>, key: string | undefined): T | undefined {
  return key !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
