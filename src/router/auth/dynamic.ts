import { DEFAULT_AUTHENTICATOR_TIMEOUT } from '../../defaults';
import { WampError } from '../../protocol/errors';
import type { Dict, Id } from '../../protocol/messages';
import {
  authenticationFailed,
  DYNAMIC_PROVIDER,
  type AuthFailure,
  type AuthRequest,
  type Identity,
  type TransportDetails,
} from './authenticator';
import { callHook, type LoadedHook } from './hook';

/**
 * What a dynamic authenticator is called with (as Crossbar.io's `authenticate(realm, authid,
 * details)`, in one object): the HELLO, the secret the method carries, and the link.
 */
export interface AuthenticationRequest {
  realm: string;
  /** The session id the router gave the session. */
  session: Id;
  /** `ticket`, `wampcra`, `cryptosign` or `tls`. */
  authmethod: string;
  /** HELLO Details `authid`, when the client gave one. */
  authid?: string;
  /** HELLO Details `authextra`. */
  authextra: Dict;
  /** `ticket`: the ticket the client answered the CHALLENGE with. */
  ticket?: string;
  /** `cryptosign`: the public key (hex) the client will prove it holds. */
  pubkey?: string;
  /** Peer address, Origin, TLS client certificate. */
  transport: TransportDetails;
}

/**
 * A dynamic authenticator's acceptance: the role, and the authid when it is not the HELLO's.
 * Refuse by throwing (a `WampError` sends its URI and message in ABORT; any other error ABORTs
 * `wamp.error.authentication_failed` with a generic message, its own only in the log).
 */
export interface AuthenticationAnswer {
  authid?: string;
  authrole: string;
  /** Sent back to the client in WELCOME Details `authextra`. */
  authextra?: Dict;
}

/**
 * For `wampcra` the router needs the secret to check the signature with: the answer gives the
 * secret, or (salted) `salt` with `secret` or the derived `key`, and `iterations`, `keylen`.
 */
export interface WampCraAuthenticationAnswer extends AuthenticationAnswer {
  secret?: string;
  key?: string;
  salt?: string;
  iterations?: number;
  keylen?: number;
}

/** A dynamic authenticator: a function named in the options (`auth.<method>.authenticator`). */
export type AuthenticateFunction = (
  request: AuthenticationRequest,
) => AuthenticationAnswer | Promise<AuthenticationAnswer>;

/** The request for a dynamic authenticator, from what the handshake gives the method. */
export function authenticationRequest(
  method: string,
  request: AuthRequest,
  extra: Pick<AuthenticationRequest, 'ticket' | 'pubkey'> = {},
): AuthenticationRequest {
  return {
    realm: request.realm,
    session: request.session,
    authmethod: method,
    ...(request.authid === undefined ? {} : { authid: request.authid }),
    authextra: request.authextra,
    ...extra,
    transport: request.transport,
  };
}

/**
 * What a dynamic authenticator said: its answer, still to check; its refusal (it threw); or
 * that it failed (timeout, garbage): the refusal the session gets.
 */
export type DynamicVerdict =
  { kind: 'answer'; answer: Dict } | { kind: 'refused'; failure: AuthFailure } | AuthFailure;

/** The refusal of a verdict that is not an answer. */
export function refusalOf(verdict: Exclude<DynamicVerdict, { kind: 'answer' }>): AuthFailure {
  return verdict.kind === 'refused' ? verdict.failure : verdict;
}

/**
 * Calls `hook` under its deadline. A throw refuses (a `WampError` with its own URI), the
 * deadline or an answer that is not an object refuses with `wamp.error.authentication_failed`
 * and a message saying so; `detail` goes into the handshake's single log line.
 */
export async function askAuthenticator(
  hook: LoadedHook<AuthenticateFunction>,
  request: AuthenticationRequest,
): Promise<DynamicVerdict> {
  const result = await callHook(hook, DEFAULT_AUTHENTICATOR_TIMEOUT, request);
  switch (result.kind) {
    case 'timeout':
      return authenticationFailed(
        `the authenticator did not answer within ${result.timeout} ms`,
        `authenticator ${hook.name} timed out`,
      );
    case 'threw': {
      const { error } = result;
      const detail = `authenticator ${hook.name} refused: ${error instanceof Error ? error.message : String(error)}`;
      if (error instanceof WampError) {
        const message = typeof error.args[0] === 'string' ? error.args[0] : 'authentication refused';
        return { kind: 'refused', failure: { kind: 'reject', reason: error.uri, message, detail } };
      }
      return { kind: 'refused', failure: authenticationFailed('authentication failed', detail) };
    }
    case 'answer':
      if (!isDict(result.value)) return invalidAnswer(hook, 'not an object');
      return { kind: 'answer', answer: result.value };
  }
}

/**
 * The identity an answer gives, or a refusal when it is garbage: `authrole` a non-empty string,
 * `authid` (else the HELLO's) a non-empty string, `authextra` an object when present.
 */
export function identityFrom(
  hook: LoadedHook<AuthenticateFunction>,
  answer: Dict,
  method: string,
  helloAuthid: string | undefined,
): Identity | AuthFailure {
  const { authrole, authextra } = answer;
  const authid = answer.authid ?? helloAuthid;
  if (typeof authrole !== 'string' || authrole === '') return invalidAnswer(hook, 'no authrole');
  if (typeof authid !== 'string' || authid === '') return invalidAnswer(hook, 'no authid');
  if (authextra !== undefined && !isDict(authextra)) return invalidAnswer(hook, 'authextra is not an object');
  return {
    authid,
    authrole,
    authmethod: method,
    authprovider: DYNAMIC_PROVIDER,
    ...(authextra === undefined ? {} : { authextra }),
  };
}

/** The refusal for an answer that is not one. */
export function invalidAnswer(hook: LoadedHook<AuthenticateFunction>, problem: string): AuthFailure {
  return authenticationFailed(
    'the authenticator gave an invalid answer',
    `authenticator ${hook.name} answered garbage: ${problem}`,
  );
}

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Asks `hook` who the session is: the identity of its answer, or the refusal. */
export async function askIdentity(
  hook: LoadedHook<AuthenticateFunction>,
  method: string,
  request: AuthRequest,
  extra?: Pick<AuthenticationRequest, 'ticket' | 'pubkey'>,
): Promise<Identity | AuthFailure> {
  const verdict = await askAuthenticator(hook, authenticationRequest(method, request, extra));
  if (verdict.kind !== 'answer') return refusalOf(verdict);
  return identityFrom(hook, verdict.answer, method, request.authid);
}
