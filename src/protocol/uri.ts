import type { MatchPolicy } from './messages';

// spec: "Relaxed/Loose URIs" and "Strict URIs"; the EMPTY variants allow empty components,
// which only wildcard patterns may contain; the LAST_EMPTY variants let only the last one be
// empty, as a prefix pattern may (`com.myapp.`, as autobahn-python and Crossbar.io accept).
const LOOSE = /^([^\s.#]+\.)*([^\s.#]+)$/;
const LOOSE_EMPTY = /^(([^\s.#]+\.)|\.)*([^\s.#]+)?$/;
const LOOSE_LAST_EMPTY = /^([^\s.#]+\.)+([^\s.#]*)$|^[^\s.#]+$/;
const STRICT = /^([0-9a-z_]+\.)*([0-9a-z_]+)$/;
const STRICT_EMPTY = /^(([0-9a-z_]+\.)|\.)*([0-9a-z_]+)?$/;
const STRICT_LAST_EMPTY = /^([0-9a-z_]+\.)+([0-9a-z_]*)$|^[0-9a-z_]+$/;

/** How strictly URIs are checked: `loose` (the default) or `strict` (lowercase, digits, `_`). */
export type UriCheck = 'loose' | 'strict';

/**
 * True when `uri` is valid for the given match policy: `exact` needs every component
 * non-empty; `prefix` may also end with a dot (`com.myapp.`); `wildcard` allows empty
 * components (`com..create`), each matching any one component.
 */
export function isValidUri(uri: string, match: MatchPolicy = 'exact', check: UriCheck = 'loose'): boolean {
  const strict = check === 'strict';
  if (match === 'wildcard') return (strict ? STRICT_EMPTY : LOOSE_EMPTY).test(uri);
  if (match === 'prefix') return (strict ? STRICT_LAST_EMPTY : LOOSE_LAST_EMPTY).test(uri);
  return (strict ? STRICT : LOOSE).test(uri);
}

/** True when `uri` is in the `wamp.` namespace, which is reserved for the protocol. */
export function isReservedUri(uri: string): boolean {
  return uri.startsWith('wamp.');
}

/**
 * True when the concrete `uri` matches `pattern` under `match`.
 * - prefix: `com.myapp` matches `com.myapp`, `com.myapp.x` and also `com.myappx` (spec: plain
 *   string prefix, as Crossbar.io does).
 * - wildcard: same number of components; an empty pattern component matches any component.
 */
export function uriMatches(pattern: string, uri: string, match: MatchPolicy): boolean {
  switch (match) {
    case 'exact':
      return pattern === uri;
    case 'prefix':
      return uri.startsWith(pattern);
    case 'wildcard':
      return wildcardMatches(pattern.split('.'), uri);
  }
}

/** Matches pre-split wildcard pattern components against a concrete URI. */
export function wildcardMatches(patternParts: readonly string[], uri: string): boolean {
  const parts = uri.split('.');
  if (parts.length !== patternParts.length) return false;
  for (let i = 0; i < parts.length; i++) {
    const p = patternParts[i];
    if (p !== '' && p !== parts[i]) return false;
  }
  return true;
}
