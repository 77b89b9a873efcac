// #region hooks
// auth.ts: a dynamic authenticator and authorizer; compile it to the auth.js the router
// configuration names (module paths are resolved from the working directory).
import { WampError } from 'wservice';
import type { AuthenticateFunction, AuthorizeFunction } from 'wservice/router';

/** Tickets a token service issued: ticket -> who and what. */
const TOKENS = new Map([
  ['tok-alice', { authid: 'alice', authrole: 'user' }],
  ['tok-ops', { authid: 'ops', authrole: 'admin' }],
]);

export const authenticate: AuthenticateFunction = async (request) => {
  const token = request.ticket === undefined ? undefined : TOKENS.get(request.ticket);
  if (token === undefined) throw new WampError('wamp.error.authentication_failed', 'unknown ticket');
  // Also at hand: request.transport.peer, .origin (browsers) and .certificate (mutual TLS).
  return { ...token, authextra: { plan: 'basic' } };
};

export const authorize: AuthorizeFunction = (session, action, uri) => {
  if (session.authrole === 'admin') return true;
  // Users call and subscribe under shop., except shop.admin.; a verdict is cached per session.
  if (action !== 'call' && action !== 'subscribe') return false;
  return uri.startsWith('shop.') && !uri.startsWith('shop.admin.');
};
// #endregion
