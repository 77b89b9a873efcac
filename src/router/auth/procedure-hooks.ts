import { DEFAULT_AUTHENTICATOR_TIMEOUT, DEFAULT_AUTHORIZER_TIMEOUT } from '../../defaults';
import { ErrorUri, WampError } from '../../protocol/errors';
import type { Dict } from '../../protocol/messages';
import type { AuthorizeFunction } from './authorize';
import type { AuthenticateFunction, AuthenticationAnswer } from './dynamic';
import type { ProcedureHookOptions } from './hook';

/** Calls `procedure(...args)` in `realm` over the router's own dealer: the first RESULT argument. */
export type CallProcedure = (
  realm: string,
  procedure: string,
  args: unknown[],
  timeout: number,
) => Promise<unknown>;

/**
 * A dynamic authenticator that is a WAMP procedure, called as Crossbar.io calls its dynamic
 * authenticators: `authenticate(realm, authid, details)`, `details` being the
 * `AuthenticationRequest` (authmethod, authextra, ticket or pubkey, session, transport). It
 * answers a role (a string) or a dict: `authrole` or `role`, `authid`, `authextra` or `extra`,
 * and for WAMP-CRA the secret (`secret`, or `salt` with `key`, `iterations`, `keylen`).
 */
export function authenticatorProcedure(
  options: ProcedureHookOptions,
  call: CallProcedure,
): AuthenticateFunction {
  const timeout = options.timeout ?? DEFAULT_AUTHENTICATOR_TIMEOUT;
  return async (request) => {
    const realm = options.realm ?? request.realm;
    const answer = await callOrExplain(
      call,
      realm,
      options.procedure,
      [request.realm, request.authid ?? null, request],
      timeout,
    );
    return crossbarAnswer(answer) as AuthenticationAnswer;
  };
}

/**
 * A dynamic authorizer that is a WAMP procedure, called as Crossbar.io calls its authorizers:
 * `authorize(session, uri, action, options)`; it answers `true` / `false` or `{ allow, cache }`.
 * Registered in `options.realm`, else in the realm it authorizes (`realm`).
 */
export function authorizerProcedure(
  options: ProcedureHookOptions,
  realm: string,
  call: CallProcedure,
): AuthorizeFunction {
  const timeout = options.timeout ?? DEFAULT_AUTHORIZER_TIMEOUT;
  return async (session, action, uri, requestOptions) =>
    (await callOrExplain(
      call,
      options.realm ?? realm,
      options.procedure,
      [session, uri, action, requestOptions],
      timeout,
    )) as boolean;
}

/** The call's answer; a procedure nobody registered is a plain error (the log line says so). */
async function callOrExplain(
  call: CallProcedure,
  realm: string,
  procedure: string,
  args: unknown[],
  timeout: number,
): Promise<unknown> {
  try {
    // The hook refuses at its deadline; the dealer ends the call a while after.
    return await call(realm, procedure, args, timeout * 2);
  } catch (error) {
    if (error instanceof WampError && error.uri === ErrorUri.NO_SUCH_PROCEDURE)
      throw new Error(`procedure ${procedure} is not registered in realm ${realm}`, { cause: error });
    if (error instanceof WampError && error.uri === ErrorUri.NO_SUCH_REALM)
      throw new Error(`procedure ${procedure}: no realm ${realm} on this router`, { cause: error });
    throw error;
  }
}

/** Crossbar.io's answer shapes in ours: a role string, `role` and `extra`. */
function crossbarAnswer(answer: unknown): unknown {
  if (typeof answer === 'string') return { authrole: answer };
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return answer;
  const { role, extra, ...rest } = answer as Dict;
  return {
    ...rest,
    ...(rest.authrole === undefined && role !== undefined ? { authrole: role } : {}),
    ...(rest.authextra === undefined && extra !== undefined ? { authextra: extra } : {}),
  };
}
