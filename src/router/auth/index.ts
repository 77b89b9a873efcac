import type { AuthOptions } from './options';
import { AnonymousAuthenticator, DEFAULT_ANONYMOUS_ROLE } from './anonymous';
import type { Authenticator } from './authenticator';
import { CryptosignAuthenticator } from './cryptosign';
import { TicketAuthenticator } from './ticket';
import { WampCraAuthenticator } from './wampcra';

export type * from './authenticator';
export { DEFAULT_ANONYMOUS_ROLE };

/**
 * The authenticators of a realm, by method name. Without any auth configured, anonymous
 * sessions are accepted with authrole `anonymous` (the development default).
 */
export function createAuthenticators(auth: AuthOptions | undefined): Map<string, Authenticator> {
  const methods = new Map<string, Authenticator>();
  if (auth === undefined) {
    methods.set('anonymous', new AnonymousAuthenticator({ role: DEFAULT_ANONYMOUS_ROLE }));
    return methods;
  }
  const all: Authenticator[] = [];
  if (auth.anonymous) all.push(new AnonymousAuthenticator(auth.anonymous));
  if (auth.ticket) all.push(new TicketAuthenticator(auth.ticket));
  if (auth.wampcra) all.push(new WampCraAuthenticator(auth.wampcra));
  if (auth.cryptosign) all.push(new CryptosignAuthenticator(auth.cryptosign));
  for (const authenticator of all) methods.set(authenticator.method, authenticator);
  return methods;
}

/** The methods a client offers in HELLO, or `anonymous` when it offers none (spec). */
export function offeredMethods(authmethods: unknown): string[] {
  return Array.isArray(authmethods) && authmethods.length > 0 ? authmethods : ['anonymous'];
}
