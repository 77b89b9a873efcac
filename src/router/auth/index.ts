import type { AuthOptions } from './options';
import { AnonymousAuthenticator, DEFAULT_ANONYMOUS_ROLE } from './anonymous';
import type { Authenticator } from './authenticator';
import { CryptosignAuthenticator } from './cryptosign';
import type { AuthenticateFunction } from './dynamic';
import type { HookOptions, LoadedHook } from './hook';
import { TicketAuthenticator } from './ticket';
import { TlsAuthenticator } from './tls';
import { WampCraAuthenticator } from './wampcra';

export type * from './authenticator';
export { DEFAULT_ANONYMOUS_ROLE };

/** The loaded hook of hook options (loaded when the router started). */
export type HookLookup = <F extends (...args: never[]) => unknown>(options: HookOptions<F>) => LoadedHook<F>;

/**
 * The authenticators of a realm, by method name. Without any auth configured, anonymous
 * sessions are accepted with authrole `anonymous` (the development default).
 */
export function createAuthenticators(
  auth: AuthOptions | undefined,
  hooks: HookLookup,
): Map<string, Authenticator> {
  const methods = new Map<string, Authenticator>();
  if (auth === undefined) {
    methods.set('anonymous', new AnonymousAuthenticator({ role: DEFAULT_ANONYMOUS_ROLE }));
    return methods;
  }
  const dynamic = (options: { authenticator?: HookOptions<AuthenticateFunction> }) =>
    options.authenticator === undefined ? undefined : hooks(options.authenticator);
  const all: Authenticator[] = [];
  if (auth.anonymous) all.push(new AnonymousAuthenticator(auth.anonymous));
  if (auth.ticket) all.push(new TicketAuthenticator(auth.ticket, dynamic(auth.ticket)));
  if (auth.wampcra) all.push(new WampCraAuthenticator(auth.wampcra, dynamic(auth.wampcra)));
  if (auth.cryptosign) all.push(new CryptosignAuthenticator(auth.cryptosign, dynamic(auth.cryptosign)));
  if (auth.tls) all.push(new TlsAuthenticator(auth.tls, dynamic(auth.tls)));
  for (const authenticator of all) methods.set(authenticator.method, authenticator);
  return methods;
}

/** The dynamic authenticators `auth` names, to load when the router starts. */
export function authenticatorHooks(auth: AuthOptions | undefined): HookOptions<AuthenticateFunction>[] {
  const methods = [auth?.ticket, auth?.wampcra, auth?.cryptosign, auth?.tls];
  return methods.flatMap((method) => (method?.authenticator === undefined ? [] : [method.authenticator]));
}

/** The methods a client offers in HELLO, or `anonymous` when it offers none (spec). */
export function offeredMethods(authmethods: unknown): string[] {
  return Array.isArray(authmethods) && authmethods.length > 0 ? authmethods : ['anonymous'];
}
