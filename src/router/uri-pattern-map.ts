import type { MatchPolicy } from '../protocol/messages';

/** Something stored under a URI and a match policy: a registration, a subscription, a permission. */
export interface PatternEntry {
  readonly uri: string;
  readonly match: MatchPolicy;
}

interface WildcardSlot<T> {
  readonly entry: T;
  readonly parts: readonly string[];
  /** Lengths of the runs of concrete components around each wildcard, left to right. */
  readonly rank: readonly number[];
}

/**
 * Entries keyed by (URI, match policy), found by a concrete URI.
 *
 * `best` follows the dealer's rule (spec: pattern-based registration): exact beats prefix,
 * the longest prefix beats shorter ones, and among wildcards the one with the longer run of
 * concrete components before its first wildcard wins, then before its second, and so on.
 * `matching` returns every entry that matches, as the broker needs.
 */
export class UriPatternMap<T extends PatternEntry> {
  private readonly exact = new Map<string, T>();
  private readonly prefix = new Map<string, T>();
  /** Distinct prefix lengths, longest first, so a lookup probes each length once. */
  private prefixLengths: number[] = [];
  private readonly wildcard = new Map<string, WildcardSlot<T>>();
  /** Wildcard slots by number of components: a pattern only matches URIs of its own length. */
  private readonly wildcardByLength = new Map<number, WildcardSlot<T>[]>();

  get size(): number {
    return this.exact.size + this.prefix.size + this.wildcard.size;
  }

  /** The entry stored under exactly this URI and policy. */
  get(uri: string, match: MatchPolicy): T | undefined {
    switch (match) {
      case 'exact':
        return this.exact.get(uri);
      case 'prefix':
        return this.prefix.get(uri);
      case 'wildcard':
        return this.wildcard.get(uri)?.entry;
    }
  }

  /** Stores `entry`, replacing any entry with the same URI and policy. */
  set(entry: T): void {
    this.delete(entry.uri, entry.match);
    switch (entry.match) {
      case 'exact':
        this.exact.set(entry.uri, entry);
        return;
      case 'prefix':
        this.prefix.set(entry.uri, entry);
        this.refreshPrefixLengths();
        return;
      case 'wildcard': {
        const parts = entry.uri.split('.');
        const slot: WildcardSlot<T> = { entry, parts, rank: wildcardRank(parts) };
        this.wildcard.set(entry.uri, slot);
        const group = this.wildcardByLength.get(parts.length);
        if (group) group.push(slot);
        else this.wildcardByLength.set(parts.length, [slot]);
        return;
      }
    }
  }

  /** Removes the entry stored under this URI and policy; true when there was one. */
  delete(uri: string, match: MatchPolicy): boolean {
    switch (match) {
      case 'exact':
        return this.exact.delete(uri);
      case 'prefix': {
        const deleted = this.prefix.delete(uri);
        if (deleted) this.refreshPrefixLengths();
        return deleted;
      }
      case 'wildcard': {
        const slot = this.wildcard.get(uri);
        if (slot === undefined) return false;
        this.wildcard.delete(uri);
        const group = this.wildcardByLength.get(slot.parts.length) ?? [];
        const remaining = group.filter((s) => s !== slot);
        if (remaining.length > 0) this.wildcardByLength.set(slot.parts.length, remaining);
        else this.wildcardByLength.delete(slot.parts.length);
        return true;
      }
    }
  }

  /** The single best entry for a concrete URI, by the precedence described above. */
  best(uri: string): T | undefined {
    const exact = this.exact.get(uri);
    if (exact !== undefined) return exact;
    for (const length of this.prefixLengths) {
      if (length > uri.length) continue;
      const entry = this.prefix.get(length === uri.length ? uri : uri.slice(0, length));
      if (entry !== undefined) return entry;
    }
    return this.bestWildcard(uri);
  }

  /** Every entry matching a concrete URI: the exact one, then prefixes, then wildcards. */
  matching(uri: string): T[] {
    return this.collect(uri, false);
  }

  /** Every entry matching a concrete URI, best first by the precedence of `best`. */
  ranked(uri: string): T[] {
    return this.collect(uri, true);
  }

  /** All entries, optionally only those of one policy. */
  values(match?: MatchPolicy): T[] {
    const exact = match === undefined || match === 'exact' ? [...this.exact.values()] : [];
    const prefix = match === undefined || match === 'prefix' ? [...this.prefix.values()] : [];
    const wildcard =
      match === undefined || match === 'wildcard' ? [...this.wildcard.values()].map((s) => s.entry) : [];
    return [...exact, ...prefix, ...wildcard];
  }

  /** The exact entry, then prefixes longest first, then wildcards (by rank when `ranked`). */
  private collect(uri: string, ranked: boolean): T[] {
    const found: T[] = [];
    const exact = this.exact.get(uri);
    if (exact !== undefined) found.push(exact);
    for (const length of this.prefixLengths) {
      if (length > uri.length) continue;
      const entry = this.prefix.get(length === uri.length ? uri : uri.slice(0, length));
      if (entry !== undefined) found.push(entry);
    }
    const candidates = this.wildcardByLength.get(componentCount(uri));
    if (candidates !== undefined) {
      const parts = uri.split('.');
      const slots = candidates.filter((slot) => partsMatch(slot.parts, parts));
      // Stable: ties keep the earlier entry, as in `best`.
      if (ranked) slots.sort((a, b) => compareRanks(b.rank, a.rank));
      for (const slot of slots) found.push(slot.entry);
    }
    return found;
  }

  private bestWildcard(uri: string): T | undefined {
    const candidates = this.wildcardByLength.get(componentCount(uri));
    if (candidates === undefined) return undefined;
    const parts = uri.split('.');
    let best: WildcardSlot<T> | undefined;
    for (const slot of candidates) {
      if (!partsMatch(slot.parts, parts)) continue;
      // Ties keep the earlier entry, so the outcome does not depend on chance.
      if (best === undefined || compareRanks(slot.rank, best.rank) > 0) best = slot;
    }
    return best?.entry;
  }

  private refreshPrefixLengths(): void {
    const lengths = new Set<number>();
    for (const uri of this.prefix.keys()) lengths.add(uri.length);
    this.prefixLengths = [...lengths].sort((a, b) => b - a);
  }
}

function componentCount(uri: string): number {
  let count = 1;
  for (let i = 0; i < uri.length; i++) if (uri.charCodeAt(i) === 46 /* . */) count++;
  return count;
}

function partsMatch(pattern: readonly string[], parts: readonly string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p !== '' && p !== parts[i]) return false;
  }
  return true;
}

/**
 * `a1.b2..d4.e5` -> [2, 2]; `a1.b2.c33..e5` -> [3, 1]; `.b.c` -> [0, 2]. Comparing these
 * left to right implements "the longest portion of URI components matched before each wildcard".
 */
function wildcardRank(parts: readonly string[]): number[] {
  const rank: number[] = [];
  let run = 0;
  for (const part of parts) {
    if (part === '') {
      rank.push(run);
      run = 0;
    } else {
      run++;
    }
  }
  rank.push(run);
  return rank;
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** An entry that also has a router-wide id: a registration or a subscription. */
export interface IdentifiedEntry extends PatternEntry {
  readonly id: number;
}

/**
 * Entries by id, by (URI, match policy), and by holder (the sessions attached to each),
 * which is what registrations and subscriptions share. Subclasses attach and detach holders,
 * so both directions of the relation change together.
 */
export class IdPatternTable<T extends IdentifiedEntry, H> {
  private readonly byId = new Map<number, T>();
  /** What each holder is attached to; a holder with nothing attached has no entry. */
  private readonly byHolder = new Map<H, Set<T>>();
  protected readonly patterns = new UriPatternMap<T>();

  get(id: number): T | undefined {
    return this.byId.get(id);
  }

  /** How many entries there are. */
  get size(): number {
    return this.byId.size;
  }

  /** The entry of exactly this URI and policy. */
  lookup(uri: string, match: MatchPolicy): T | undefined {
    return this.patterns.get(uri, match);
  }

  list(match?: MatchPolicy): T[] {
    return this.patterns.values(match);
  }

  /** True when `holder` is attached to `entry`. */
  holds(holder: H, entry: T): boolean {
    return this.byHolder.get(holder)?.has(entry) === true;
  }

  /** The entries `holder` is attached to, as a snapshot (safe to detach while iterating). */
  heldBy(holder: H): T[] {
    const held = this.byHolder.get(holder);
    return held === undefined ? [] : [...held];
  }

  /** The holders attached to something now. */
  holders(): IterableIterator<H> {
    return this.byHolder.keys();
  }

  protected add(entry: T): T {
    this.byId.set(entry.id, entry);
    this.patterns.set(entry);
    return entry;
  }

  protected remove(entry: T): void {
    this.byId.delete(entry.id);
    this.patterns.delete(entry.uri, entry.match);
  }

  protected attach(holder: H, entry: T): void {
    let held = this.byHolder.get(holder);
    if (held === undefined) this.byHolder.set(holder, (held = new Set()));
    held.add(entry);
  }

  protected detach(holder: H, entry: T): void {
    const held = this.byHolder.get(holder);
    if (held === undefined) return;
    held.delete(entry);
    if (held.size === 0) this.byHolder.delete(holder);
  }
}
