import { randomBytes } from 'node:crypto';
import { verifyTicket } from '../../protocol/auth/ticket';
import type { TicketAuthOptions } from './options';
import {
  authenticationFailed,
  ownEntry,
  STATIC_PROVIDER,
  type Authenticator,
  type AuthOutcome,
  type AuthRequest,
} from './authenticator';

/**
 * Ticket (spec: "Ticket-based Authentication"): CHALLENGE `ticket` with empty Extra; the
 * client answers with the ticket. An unknown authid still gets a challenge, and fails like a
 * wrong ticket, so the exchange does not tell which authids exist.
 */
export class TicketAuthenticator implements Authenticator {
  readonly method = 'ticket';

  constructor(private readonly options: TicketAuthOptions) {}

  hello(request: AuthRequest): AuthOutcome {
    const { authid } = request;
    const principal = ownEntry(this.options.principals, authid);
    if (authid === undefined) return authenticationFailed('ticket authentication needs an authid in HELLO');
    // A random expected ticket for unknown principals keeps the comparison the same shape.
    const expected = principal?.ticket ?? randomBytes(24).toString('base64');
    return {
      kind: 'challenge',
      extra: {},
      verify: ({ signature }) =>
        principal !== undefined && verifyTicket(expected, signature)
          ? { authid, authrole: principal.role, authmethod: this.method, authprovider: STATIC_PROVIDER }
          : authenticationFailed('invalid ticket or unknown authid'),
    };
  }
}
