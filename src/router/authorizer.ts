import type { MatchPolicy } from '../protocol/messages';
import type { PermissionActions, RoleOptions } from './options';
import { UriPatternMap } from './uri-pattern-map';

/** What a session asks to do on a URI. */
export type Action = keyof PermissionActions;

interface Permission {
  readonly uri: string;
  readonly match: MatchPolicy;
  readonly allow: PermissionActions;
}

/**
 * Per-role permissions of one realm. A URI is judged by the single most specific rule that
 * matches it (exact, then the longest prefix, then the best wildcard), so a narrow rule can
 * deny what a broad one allows. No rule matching means denied.
 *
 * A realm configured without roles allows everything to everyone: the development default.
 */
export class Authorizer {
  private readonly roles: Map<string, UriPatternMap<Permission>> | null;

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
}
