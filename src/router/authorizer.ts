import type { MatchPolicy } from '../protocol/messages';
import type { PermissionActions, RoleOptions } from './options';
import { UriPatternMap } from './uri-pattern-map';

/** What a session asks to do on a URI. */
export type Action = keyof PermissionActions;

/** Who asks: what the authorizer reads of a session. */
export interface Principal {
  readonly authrole: string;
  /** A peer in the router's own process (`Router.attach(t, { trusted: true })`): always allowed. */
  readonly trusted: boolean;
}

interface Permission {
  readonly uri: string;
  readonly match: MatchPolicy;
  readonly allow: PermissionActions;
}

/** Bits of one cached verdict: for each action, "known" and "allowed". */
const ACTION_BITS: Readonly<Record<Action, number>> = { call: 0, register: 2, subscribe: 4, publish: 6 };

/** Cached URIs per role before that role's cache starts over (publishers choose the URIs). */
const CACHE_LIMIT = 10_000;

/**
 * Per-role permissions of one realm. A URI is judged by the single most specific rule that
 * matches it (exact, then the longest prefix, then the best wildcard), so a narrow rule can
 * deny what a broad one allows. No rule matching means denied.
 *
 * A realm configured without roles allows everything to everyone: the development default.
 *
 * Requests with a pattern (a prefix or wildcard subscription or registration) are judged by
 * their pattern text, and then every delivery (EVENT, INVOCATION) is judged again by the
 * concrete URI through `permits`: a session never receives what it could not have subscribed
 * to or registered by exact URI. Those verdicts are cached per role and URI.
 */
export class Authorizer {
  private readonly roles: Map<string, UriPatternMap<Permission>> | null;
  /** Verdicts by role, then URI: `ACTION_BITS` pairs. */
  private readonly cache = new Map<string, Map<string, number>>();

  constructor(roles: readonly RoleOptions[] | undefined) {
    if (roles === undefined) {
      this.roles = null;
      return;
    }
    this.roles = new Map();
    for (const role of roles) {
      const rules = new UriPatternMap<Permission>();
      for (const p of role.permissions) rules.set({ uri: p.uri, match: p.match ?? 'exact', allow: p.allow });
      this.roles.set(role.name, rules);
    }
  }

  /** True when sessions may hold `authrole` in this realm. */
  hasRole(authrole: string): boolean {
    return this.roles === null || this.roles.has(authrole);
  }

  /** True when a session of `authrole` may do `action` on `uri`. */
  allows(authrole: string, action: Action, uri: string): boolean {
    if (this.roles === null) return true;
    const rule = this.roles.get(authrole)?.best(uri);
    return rule?.allow[action] === true;
  }

  /**
   * True when `session` may do `action` on the concrete `uri`: what deliveries are checked
   * with, on the hot path (cached).
   */
  permits(session: Principal, action: Action, uri: string): boolean {
    if (session.trusted || this.roles === null) return true;
    const role = session.authrole;
    let verdicts = this.cache.get(role);
    if (verdicts === undefined) this.cache.set(role, (verdicts = new Map()));
    const shift = ACTION_BITS[action];
    const bits = verdicts.get(uri) ?? 0;
    if ((bits >> shift) & 1) return ((bits >> (shift + 1)) & 1) === 1;
    const allowed = this.allows(role, action, uri);
    if (verdicts.size >= CACHE_LIMIT && bits === 0) verdicts.clear();
    verdicts.set(uri, bits | (1 << shift) | ((allowed ? 1 : 0) << (shift + 1)));
    return allowed;
  }
}
