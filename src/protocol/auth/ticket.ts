import { secretsEqual } from './secret-compare';
import { TICKET } from './methods';

/**
 * Ticket authentication (spec: "Ticket-based Authentication"): the router sends CHALLENGE
 * `ticket` with empty Extra and the client answers AUTHENTICATE with the ticket itself as
 * the Signature. The only computation is the router's comparison, which must not leak the
 * expected ticket through timing.
 */

/** The method name in HELLO `authmethods` and CHALLENGE. */
export const AUTH_METHOD = TICKET;

/** True when the presented AUTHENTICATE Signature equals the expected ticket (constant time). */
export function verifyTicket(expected: string, presented: unknown): boolean {
  return secretsEqual(expected, presented);
}
