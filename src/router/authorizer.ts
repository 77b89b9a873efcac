import type { MatchPolicy } from '../protocol/messages';
import { uriMatches } from '../protocol/uri';
import type { PermissionActions, PermissionOptions, RoleOptions } from './options';
import { UriPatternMap } from './uri-pattern-map';

/** What a session asks to do on a URI. */
export type Action = keyof PermissionActions;

/** Who asks: what the authorizer reads of a session. */
export interface Principal {
  readonly authrole: string;
  /** A peer in the router's own process (`Router.attach(t, { trusted: true })`): always allowed. */
  readonly trusted: boolean;
  /** @internal The last verdict `Authorizer.permits` gave this session, kept on it. */
  permitMemo?: PermitMemo;
}

/**
 * One session's last verdict: a caller calling one procedure, a publisher publishing on one
 * topic, a callee answering one, each ask the same question message after message, so the
 * answer is one comparison away instead of two map lookups. `generation` tells a verdict from
 * before a reservation changed the answers.
 */
export interface PermitMemo {
  generation: number;
  action: Action;
  uri: string;
  allowed: boolean;
}

/**
 * URIs only their owner may register, in any match mode and invoke policy: a running
 * service's namespace (`orders.` prefix), its custom procedure URIs, its pool procedures.
 * Trusted in-process sessions and sessions of role `owner` may; nobody else, whatever the
 * roles or `permissive` say.
 */
export interface UriReservation {
  readonly uri: string;
  readonly match: MatchPolicy;
  /** The service (and the authrole its sessions have on a standalone router). */
  readonly owner: string;
}

interface Permission {
  readonly uri: string;
  readonly match: MatchPolicy;
  readonly allow: PermissionActions;
}

/** The role that may do everything under the default rules. */
export const ADMIN_ROLE = 'admin';

const EVERYTHING: PermissionActions = { call: true, register: true, subscribe: true, publish: true };

/**
 * What every session may do in a realm configured without roles (any authrole but `admin`):
 * call, subscribe, publish and register application URIs; read the registration and
 * subscription meta API (ids and URIs) and `wamp.session.count`; nothing else of
 * `wamp.session.` (session details with authids, `on_join` / `on_leave`, `kill*`); no registration in `wservice.` (the
 * framework's own procedures, such as pool delivery). Running services' URIs are reserved on
 * top of this (`UriReservation`).
 */
export const DEFAULT_PERMISSIONS: readonly PermissionOptions[] = Object.freeze([
  { uri: '', match: 'prefix', allow: EVERYTHING },
  { uri: 'wamp.', match: 'prefix', allow: { call: true, subscribe: true } },
  { uri: 'wamp.session.', match: 'prefix', allow: {} },
  // How many sessions there are tells no one's identity.
  { uri: 'wamp.session.count', allow: { call: true } },
  { uri: 'wservice.', match: 'prefix', allow: { call: true, subscribe: true, publish: true } },
]);

/** What `admin` may do under the default rules: everything. */
export const ADMIN_PERMISSIONS: readonly PermissionOptions[] = Object.freeze([
  { uri: '', match: 'prefix', allow: EVERYTHING },
]);

/** Bits of one cached verdict: for each action, "known" and "allowed". */
const ACTION_BITS: Readonly<Record<Action, number>> = { call: 0, register: 2, subscribe: 4, publish: 6 };

/** Cached URIs per role before that role's cache starts over (publishers choose the URIs). */
const CACHE_LIMIT = 10_000;

/** How the realm decides: configured roles, the default rules, or everything allowed. */
export type AuthorizerMode = 'roles' | 'default' | 'permissive';

/**
 * Per-role permissions of one realm. A URI is judged by the single most specific rule that
 * matches it (exact, then the longest prefix, then the best wildcard), so a narrow rule can
 * deny what a broad one allows. No rule matching means denied.
 *
 * A realm configured without roles applies `DEFAULT_PERMISSIONS` to every role (and
 * `ADMIN_PERMISSIONS` to `admin`); with `permissive` (development only) it allows everything.
 *
 * Requests with a pattern (a prefix or wildcard subscription or registration) are judged by
 * their pattern text, and then every delivery (EVENT, INVOCATION) is judged again by the
 * concrete URI through `permits`: a session never receives what it could not have subscribed
 * to or registered by exact URI. Those verdicts are cached per role and URI.
 */
export class Authorizer {
  readonly mode: AuthorizerMode;
  private readonly roles = new Map<string, UriPatternMap<Permission>>();
  private readonly defaults: UriPatternMap<Permission>;
  private readonly admin: UriPatternMap<Permission>;
  private readonly reserved = new UriPatternMap<UriReservation>();
  /** Verdicts by role, then URI: `ACTION_BITS` pairs. */
  private readonly cache = new Map<string, Map<string, number>>();
  /** Bumped whenever verdicts may change (a reservation): older `PermitMemo`s no longer count. */
  private verdictGeneration = 0;

  constructor(roles: readonly RoleOptions[] | undefined, options: { permissive?: boolean } = {}) {
    this.mode = roles !== undefined ? 'roles' : options.permissive === true ? 'permissive' : 'default';
    for (const role of roles ?? []) this.roles.set(role.name, rulesOf(role.permissions));
    this.defaults = rulesOf(DEFAULT_PERMISSIONS);
    this.admin = rulesOf(ADMIN_PERMISSIONS);
  }

  /** True when sessions may hold `authrole` in this realm. */
  hasRole(authrole: string): boolean {
    return this.mode !== 'roles' || this.roles.has(authrole);
  }

  /** True when a session of `authrole` may do `action` on `uri` by the realm's rules. */
  allows(authrole: string, action: Action, uri: string): boolean {
    if (this.mode === 'permissive') return true;
    const rule = this.rulesFor(authrole)?.best(uri);
    return rule?.allow[action] === true;
  }

  /** Reserves URIs for their owner (see `UriReservation`); verdicts cached so far are dropped. */
  reserve(reservation: UriReservation): void {
    this.reserved.set(reservation);
    this.cache.clear();
    this.verdictGeneration++;
  }

  /**
   * Moves on whenever a verdict of `permits` or `registerProblem` may change, so what a caller
   * remembered of them (a verdict, a callee found eligible) holds while it stays. The roles and
   * the mode are fixed when the realm is made; reservations (`reserve`) are the one change at
   * runtime. A dynamic authorizer's verdicts are not these (the realm asks it first).
   */
  get generation(): number {
    return this.verdictGeneration;
  }

  /**
   * Why `session` may not register `uri` under `match`, or undefined when it may: the
   * pattern overlaps a URI reserved for another owner, or the rules deny it.
   */
  registerProblem(session: Principal, uri: string, match: MatchPolicy): string | undefined {
    if (session.trusted) return undefined;
    for (const reservation of this.reserved.values()) {
      if (reservation.owner !== session.authrole && overlaps(uri, match, reservation)) {
        return `"${uri}" (${match}) reaches URIs of service "${reservation.owner}", which only its sessions may register`;
      }
    }
    if (!this.allows(session.authrole, 'register', uri)) {
      return `role "${session.authrole}" may not register "${uri}"`;
    }
    return undefined;
  }

  /**
   * True when `session` may do `action` on the concrete `uri`: what deliveries are checked
   * with, on the hot path (the session's last verdict, then a cache per role and URI).
   */
  permits(session: Principal, action: Action, uri: string): boolean {
    if (session.trusted || (this.mode === 'permissive' && this.reserved.size === 0)) return true;
    const memo = session.permitMemo;
    if (
      memo !== undefined &&
      memo.uri === uri &&
      memo.action === action &&
      memo.generation === this.verdictGeneration
    ) {
      return memo.allowed;
    }
    const allowed = this.verdict(session.authrole, action, uri);
    if (memo === undefined) session.permitMemo = { generation: this.verdictGeneration, action, uri, allowed };
    else {
      memo.generation = this.verdictGeneration;
      memo.action = action;
      memo.uri = uri;
      memo.allowed = allowed;
    }
    return allowed;
  }

  /** `permits` for a role, through the cache per role and URI. */
  private verdict(role: string, action: Action, uri: string): boolean {
    let verdicts = this.cache.get(role);
    if (verdicts === undefined) this.cache.set(role, (verdicts = new Map()));
    const shift = ACTION_BITS[action];
    const bits = verdicts.get(uri) ?? 0;
    if ((bits >> shift) & 1) return ((bits >> (shift + 1)) & 1) === 1;
    const allowed =
      this.allows(role, action, uri) && !(action === 'register' && this.reservedAgainst(role, uri));
    if (verdicts.size >= CACHE_LIMIT && bits === 0) verdicts.clear();
    verdicts.set(uri, bits | (1 << shift) | ((allowed ? 1 : 0) << (shift + 1)));
    return allowed;
  }

  private reservedAgainst(role: string, uri: string): boolean {
    const reservation = this.reserved.best(uri);
    return reservation !== undefined && reservation.owner !== role;
  }

  private rulesFor(authrole: string): UriPatternMap<Permission> | undefined {
    if (this.mode === 'roles') return this.roles.get(authrole);
    return authrole === ADMIN_ROLE ? this.admin : this.defaults;
  }
}

function rulesOf(permissions: readonly PermissionOptions[]): UriPatternMap<Permission> {
  const rules = new UriPatternMap<Permission>();
  for (const p of permissions) rules.set({ uri: p.uri, match: p.match ?? 'exact', allow: p.allow });
  return rules;
}

/** True when the pattern (`uri`, `match`) matches some URI the reservation covers. */
export function overlaps(uri: string, match: MatchPolicy, reservation: UriReservation): boolean {
  const owned = reservation.uri;
  if (reservation.match === 'exact') return uriMatches(uri, owned, match);
  if (reservation.match === 'wildcard') return reachesWildcard(uri, match, owned.split('.'));
  switch (match) {
    case 'exact':
      return uri.startsWith(owned);
    case 'prefix':
      return uri.startsWith(owned) || owned.startsWith(uri);
    case 'wildcard': {
      // The owned prefix: whole components, then a (possibly empty) start of one more.
      const ownedParts = owned.split('.');
      const tail = ownedParts.pop()!;
      const parts = uri.split('.');
      if (parts.length <= ownedParts.length) return false;
      if (!wildcardMatches(parts.slice(0, ownedParts.length), ownedParts)) return false;
      const next = parts[ownedParts.length];
      return next === '' || next.startsWith(tail);
    }
  }
}

/**
 * True when the pattern (`uri`, `match`) matches some URI that the wildcard pattern `owned`
 * (its components) matches too. Conservative where only invalid URIs could match both (an
 * empty component in a prefix): refusing more than needed is the safe side.
 */
function reachesWildcard(uri: string, match: MatchPolicy, owned: readonly string[]): boolean {
  const parts = uri.split('.');
  switch (match) {
    case 'exact':
      return wildcardMatches(owned, parts);
    case 'wildcard':
      return (
        parts.length === owned.length && parts.every((p, i) => p === '' || owned[i] === '' || p === owned[i])
      );
    case 'prefix': {
      // Whole components, then the (possibly empty) start of one more.
      const tail = parts.pop()!;
      if (parts.length >= owned.length) return false;
      if (!parts.every((p, i) => owned[i] === '' || owned[i] === p)) return false;
      const next = owned[parts.length];
      return next === '' || next.startsWith(tail);
    }
  }
}

/** True when wildcard pattern components match concrete ones (same count; '' matches any). */
function wildcardMatches(pattern: readonly string[], parts: readonly string[]): boolean {
  return pattern.length === parts.length && pattern.every((p, i) => p === '' || p === parts[i]);
}
