import { randomBytes } from 'node:crypto';
import type { AnonymousAuthOptions } from './options';
import { STATIC_PROVIDER, type Authenticator, type AuthOutcome, type AuthRequest } from './authenticator';

/** The authrole of anonymous sessions when no authentication is configured at all. */
export const DEFAULT_ANONYMOUS_ROLE = 'anonymous';

/**
 * Anonymous: every session is accepted with the configured role. The authid is a fresh
 * random one, never the one a remote client offers, so nobody can pass as a known authid
 * (and `eligible_authid` / `exclude_authid` stay meaningful). A trusted in-process peer (a
 * service run by `ServiceRunner` in the router's process) keeps the authid it asks for.
 */
export class AnonymousAuthenticator implements Authenticator {
  readonly method = 'anonymous';

  constructor(private readonly options: AnonymousAuthOptions) {}

  hello(request: AuthRequest): AuthOutcome {
    return {
      kind: 'accept',
      identity: {
        authid: request.trusted && request.authid ? request.authid : randomAuthid(),
        authrole: this.options.role,
        authmethod: this.method,
        authprovider: STATIC_PROVIDER,
      },
    };
  }
}

/** Crossbar-like serial: `A3F9-0C1D-77BE-19E2`. */
function randomAuthid(): string {
  const hex = randomBytes(8).toString('hex').toUpperCase();
  return hex.match(/.{4}/g)!.join('-');
}
