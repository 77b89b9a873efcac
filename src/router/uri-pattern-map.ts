import type { MatchPolicy } from '../protocol/messages';

/** Something stored under a URI and a match policy: a registration, a subscription, a permission. */
export interface PatternEntry {
  readonly uri: string;
  readonly match: MatchPolicy;
}

/**
 * A node of the wildcard index: a trie over URI components in which a pattern's empty
 * component is the `any` edge. A concrete URI walks it taking, at each component, its own edge
 * and the `any` edge, so a lookup costs what the patterns along its path cost, not the number
 * of patterns registered.
 *
 * A node's first concrete edge sits in the node itself (`part`, `child`), the others in a `Map`
 * made with the second: most nodes of a large set of patterns have one concrete edge or none
 * (`p1..echo` makes three nodes, one with an edge), and a `Map` costs 200-340 bytes, 1.4 KB of
 * the 3.2 KB a wildcard registration and a wildcard subscription took together.
 */
interface WildcardNode<T> {
  /** The first concrete edge's component, undefined when the node has none. */
  part: string | undefined;
  child: WildcardNode<T> | undefined;
  /** The other concrete edges. */
  children: Map<string, WildcardNode<T>> | undefined;
  any: WildcardNode<T> | undefined;
  /** The pattern that ends here (its component count is this node's depth). */
  entry: T | undefined;
}

function wildcardNode<T>(): WildcardNode<T> {
  return { part: undefined, child: undefined, children: undefined, any: undefined, entry: undefined };
}

/** The node a concrete edge leads to. */
function childOf<T>(node: WildcardNode<T>, part: string): WildcardNode<T> | undefined {
  return node.part === part ? node.child : node.children?.get(part);
}

/** The node a concrete edge leads to, made when there is none. */
function childFor<T>(node: WildcardNode<T>, part: string): WildcardNode<T> {
  const found = childOf(node, part);
  if (found !== undefined) return found;
  const child = wildcardNode<T>();
  if (node.part === undefined) {
    node.part = part;
    node.child = child;
  } else (node.children ??= new Map()).set(part, child);
  return child;
}

/** Removes a concrete edge; the first of the others, if any, takes the node's own slot. */
function removeChild<T>(node: WildcardNode<T>, part: string): void {
  if (node.part !== part) node.children?.delete(part);
  else {
    const next = node.children?.entries().next();
    if (next === undefined || next.done === true) {
      node.part = undefined;
      node.child = undefined;
    } else {
      [node.part, node.child] = next.value;
      node.children?.delete(next.value[0]);
    }
  }
  if (node.children?.size === 0) node.children = undefined;
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
  private readonly wildcard = new Map<string, T>();
  private readonly wildcardIndex = wildcardNode<T>();

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
        return this.wildcard.get(uri);
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
        this.wildcard.set(entry.uri, entry);
        let node = this.wildcardIndex;
        for (const part of entry.uri.split('.')) {
          if (part === '') node = node.any ??= wildcardNode();
          else node = childFor(node, part);
        }
        node.entry = entry;
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
        if (!this.wildcard.delete(uri)) return false;
        removeFromIndex(this.wildcardIndex, uri.split('.'), 0);
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
    return this.collect(uri);
  }

  /** Every entry matching a concrete URI, best first by the precedence of `best`. */
  ranked(uri: string): T[] {
    return this.collect(uri);
  }

  /** All entries, optionally only those of one policy. */
  values(match?: MatchPolicy): T[] {
    const exact = match === undefined || match === 'exact' ? [...this.exact.values()] : [];
    const prefix = match === undefined || match === 'prefix' ? [...this.prefix.values()] : [];
    const wildcard = match === undefined || match === 'wildcard' ? [...this.wildcard.values()] : [];
    return [...exact, ...prefix, ...wildcard];
  }

  /** The exact entry, then prefixes longest first, then wildcards best first. */
  private collect(uri: string): T[] {
    const found: T[] = [];
    const exact = this.exact.get(uri);
    if (exact !== undefined) found.push(exact);
    for (const length of this.prefixLengths) {
      if (length > uri.length) continue;
      const entry = this.prefix.get(length === uri.length ? uri : uri.slice(0, length));
      if (entry !== undefined) found.push(entry);
    }
    if (this.wildcard.size > 0) walkWildcards(this.wildcardIndex, uri.split('.'), 0, found, false);
    return found;
  }

  private bestWildcard(uri: string): T | undefined {
    if (this.wildcard.size === 0) return undefined;
    const found: T[] = [];
    walkWildcards(this.wildcardIndex, uri.split('.'), 0, found, true);
    return found[0];
  }

  private refreshPrefixLengths(): void {
    const lengths = new Set<number>();
    for (const uri of this.prefix.keys()) lengths.add(uri.length);
    this.prefixLengths = [...lengths].sort((a, b) => b - a);
  }
}

/**
 * Appends the wildcard patterns matching `parts` (from component `depth` on), best first:
 * at each component the concrete edge is taken before the `any` edge. Two patterns matching
 * one URI differ first where one has a concrete component and the other a wildcard; the
 * concrete one has the longer run of concrete components before that wildcard, which is the
 * spec's precedence, so this order is it. With `first`, stops at the best.
 */
function walkWildcards<T>(
  node: WildcardNode<T>,
  parts: readonly string[],
  depth: number,
  found: T[],
  first: boolean,
): boolean {
  if (depth === parts.length) {
    if (node.entry === undefined) return false;
    found.push(node.entry);
    return first;
  }
  const child = childOf(node, parts[depth]);
  if (child !== undefined && walkWildcards(child, parts, depth + 1, found, first)) return true;
  return node.any !== undefined && walkWildcards(node.any, parts, depth + 1, found, first);
}

/** Removes the pattern `parts` ends at; prunes the nodes it leaves empty. True when `node` is empty. */
function removeFromIndex<T>(node: WildcardNode<T>, parts: readonly string[], depth: number): boolean {
  if (depth === parts.length) node.entry = undefined;
  else {
    const part = parts[depth];
    const child = part === '' ? node.any : childOf(node, part);
    if (child !== undefined && removeFromIndex(child, parts, depth + 1)) {
      if (part === '') node.any = undefined;
      else removeChild(node, part);
    }
  }
  return node.entry === undefined && node.any === undefined && node.part === undefined;
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
