import { verifyTicket } from '../../protocol/auth/ticket';
import { Decoys } from './decoy';
import { askIdentity, type AuthenticateFunction } from './dynamic';
import type { LoadedHook } from './hook';
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
 * client answers with the ticket. An unknown authid still gets a challenge, its answer is
 * compared (in constant time) with a derived dummy ticket, and it fails like a wrong ticket,
 * so the exchange does not tell which authids exist.
 */
export class TicketAuthenticator implements Authenticator {
  readonly method = 'ticket';
  private readonly decoys: Decoys;

  constructor(
    private readonly options: TicketAuthOptions,
    /** The dynamic authenticator, when the options name one instead of principals. */
    private readonly authenticator?: LoadedHook<AuthenticateFunction>,
  ) {
    this.decoys = new Decoys(Object.values(options.principals ?? {}).map((p) => p.ticket));
  }

  hello(request: AuthRequest): AuthOutcome {
    if (this.authenticator !== undefined) return this.dynamicChallenge(request, this.authenticator);
    const { authid } = request;
    if (authid === undefined) return authenticationFailed('ticket authentication needs an authid in HELLO');
    const principal = ownEntry(this.options.principals ?? {}, authid);
    const expected = principal?.ticket ?? this.decoys.text('ticket', authid, 32);
    return {
      kind: 'challenge',
      extra: {},
      verify: ({ signature }) => {
        const valid = verifyTicket(expected, signature);
        return valid && principal !== undefined
          ? { authid, authrole: principal.role, authmethod: this.method, authprovider: STATIC_PROVIDER }
          : authenticationFailed('invalid ticket or unknown authid');
      },
    };
  }

  /** The ticket goes to the authenticator, which says who it belongs to (the authid is optional). */
  private dynamicChallenge(request: AuthRequest, hook: LoadedHook<AuthenticateFunction>): AuthOutcome {
    return {
      kind: 'challenge',
      extra: {},
      verify: ({ signature }) => askIdentity(hook, this.method, request, { ticket: signature }),
    };
  }
}
