import type { Id, InvokePolicy, MatchPolicy } from '../protocol/messages';
import type { RouterSession } from './router-session';
import { IdPatternTable } from './uri-pattern-map';

/** One callee attached to a registration. */
export interface Callee {
  readonly session: RouterSession;
  /** REGISTER Options `disclose_caller`: always tell this callee who calls. */
  readonly discloseCaller: boolean;
  /** REGISTER Options `forward_timeout`: this callee runs call timeouts itself. */
  readonly forwardTimeout: boolean;
}

/**
 * A procedure registration: one (URI, match policy) with its callees in the order they
 * registered. Several callees share it when its invoke policy is not `single`.
 */
export interface Registration {
  readonly id: Id;
  readonly uri: string;
  readonly match: MatchPolicy;
  readonly invoke: InvokePolicy;
  /** ISO 8601, for the meta API. */
  readonly created: string;
  readonly callees: Callee[];
  /** Next index for `roundrobin`. */
  nextIndex: number;
}

/** The registrations of one realm, by id and by URI pattern. */
export class RegistrationTable extends IdPatternTable<Registration> {
  /** The registration a CALL of `procedure` goes to (spec: exact, longest prefix, best wildcard). */
  match(procedure: string): Registration | undefined {
    return this.patterns.best(procedure);
  }

  create(id: Id, uri: string, match: MatchPolicy, invoke: InvokePolicy): Registration {
    const created = new Date().toISOString();
    return this.add({ id, uri, match, invoke, created, callees: [], nextIndex: 0 });
  }

  /** Detaches `session`; true when the registration is now empty and was deleted. */
  removeCallee(registration: Registration, session: RouterSession): boolean {
    const index = registration.callees.findIndex((c) => c.session === session);
    if (index >= 0) registration.callees.splice(index, 1);
    // Keep roundrobin's position on the same next callee.
    if (index >= 0 && index < registration.nextIndex) registration.nextIndex--;
    if (registration.callees.length > 0) return false;
    this.remove(registration);
    return true;
  }
}

/**
 * Picks the callee of a call by the registration's invoke policy (spec: shared
 * registration). `single`, `first` and `last` are hot stand-by; `roundrobin` and `random`
 * balance load.
 */
export function pickCallee(registration: Registration): Callee {
  const { callees } = registration;
  switch (registration.invoke) {
    case 'single':
    case 'first':
      return callees[0];
    case 'last':
      return callees[callees.length - 1];
    case 'random':
      return callees[Math.floor(Math.random() * callees.length)];
    case 'roundrobin': {
      if (registration.nextIndex >= callees.length) registration.nextIndex = 0;
      return callees[registration.nextIndex++];
    }
  }
}
