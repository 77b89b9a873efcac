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
  readonly callees: readonly Callee[];
}

/** What the table keeps of a registration beyond what others read. */
interface Entry extends Registration {
  readonly callees: Callee[];
  /** Next index for `roundrobin`. */
  nextIndex: number;
}

/** The registrations of a realm as readers see them (the meta API): no way to change them. */
export interface RegistrationIndex {
  readonly size: number;
  get(id: Id): Registration | undefined;
  lookup(uri: string, match: MatchPolicy): Registration | undefined;
  match(procedure: string): Registration | undefined;
  list(match?: MatchPolicy): Registration[];
}

/**
 * The registrations of one realm, by id, by URI pattern and by callee session; owned by the
 * realm's dealer, the only one that changes them.
 */
export class RegistrationTable extends IdPatternTable<Entry, RouterSession> implements RegistrationIndex {
  /** Bumped by every change of a registration or of its callees: what was read of the table before may be stale. */
  generation = 0;

  /** The registration a CALL of `procedure` goes to (spec: exact, longest prefix, best wildcard). */
  match(procedure: string): Registration | undefined {
    return this.patterns.best(procedure);
  }

  create(id: Id, uri: string, match: MatchPolicy, invoke: InvokePolicy): Registration {
    const created = new Date().toISOString();
    this.generation++;
    return this.add({ id, uri, match, invoke, created, callees: [], nextIndex: 0 });
  }

  /** Attaches a callee to `registration`, after the ones already there. */
  addCallee(registration: Registration, callee: Callee): void {
    this.generation++;
    this.entry(registration).callees.push(callee);
    this.attach(callee.session, this.entry(registration));
  }

  /** Detaches `session`; true when the registration is now empty and was deleted. */
  removeCallee(registration: Registration, session: RouterSession): boolean {
    this.generation++;
    const entry = this.entry(registration);
    this.detach(session, entry);
    const index = entry.callees.findIndex((c) => c.session === session);
    if (index >= 0) entry.callees.splice(index, 1);
    // Keep roundrobin's position on the same next callee.
    if (index >= 0 && index < entry.nextIndex) entry.nextIndex--;
    if (entry.callees.length > 0) return false;
    this.remove(entry);
    return true;
  }

  /** Every registration a CALL of `procedure` could go to, best first (the dealer's order). */
  ranked(procedure: string): Registration[] {
    return this.patterns.ranked(procedure);
  }

  /**
   * Picks the callee of a call by the registration's invoke policy (spec: shared
   * registration), among the callees `eligible` accepts for `procedure`; undefined when it
   * accepts none.
   * `single`, `first` and `last` are hot stand-by; `roundrobin` and `random` balance load.
   */
  pickCallee(
    registration: Registration,
    eligible: (callee: Callee, procedure: string) => boolean,
    procedure: string,
  ): Callee | undefined {
    const entry = this.entry(registration);
    const { callees } = entry;
    switch (entry.invoke) {
      case 'single':
      case 'first':
        for (const callee of callees) if (eligible(callee, procedure)) return callee;
        return undefined;
      case 'last':
        for (let i = callees.length - 1; i >= 0; i--) if (eligible(callees[i], procedure)) return callees[i];
        return undefined;
      case 'random': {
        const pick = callees[Math.floor(Math.random() * callees.length)];
        if (eligible(pick, procedure)) return pick;
        const others = callees.filter((c) => eligible(c, procedure));
        return others[Math.floor(Math.random() * others.length)];
      }
      case 'roundrobin': {
        for (let tried = 0; tried < callees.length; tried++) {
          if (entry.nextIndex >= callees.length) entry.nextIndex = 0;
          const pick = callees[entry.nextIndex++];
          if (eligible(pick, procedure)) return pick;
        }
        return undefined;
      }
    }
  }

  /**
   * Undoes `pickCallee`'s step for `callee` (a call that did not go after all): `roundrobin`
   * picks it again next; the other policies keep no position.
   */
  undoPick(registration: Registration, callee: Callee): void {
    const entry = this.entry(registration);
    if (entry.invoke !== 'roundrobin') return;
    const index = entry.callees.indexOf(callee);
    if (index >= 0) entry.nextIndex = index;
  }

  /** Every registration handed out is one of this table's entries. */
  private entry(registration: Registration): Entry {
    return registration as Entry;
  }
}
