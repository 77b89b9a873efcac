import type { Roles, WelcomeDetails } from '../protocol/messages';
import { FeatureNotSupportedError } from './errors';

function features(...names: string[]): { features: Record<string, boolean> } {
  return { features: Object.fromEntries(names.map((name) => [name, true])) };
}

/**
 * The roles and advanced features this client implements, announced in HELLO. `call_timeout`
 * is a caller feature only: the callee exposes a forwarded timeout but does not enforce it.
 */
export const CLIENT_ROLES: Roles = Object.freeze({
  caller: features('progressive_call_results', 'call_timeout', 'call_canceling', 'caller_identification'),
  callee: features(
    'progressive_call_results',
    'call_canceling',
    'caller_identification',
    'pattern_based_registration',
    'shared_registration',
  ),
  publisher: features('publisher_identification', 'publisher_exclusion', 'subscriber_blackwhite_listing'),
  subscriber: features('publisher_identification', 'pattern_based_subscription'),
});

/** A router role that announces features in WELCOME. */
export type RouterRole = 'dealer' | 'broker';

/** The features the router announced in WELCOME (spec: a peer uses only what the other announced). */
export class RouterFeatures {
  private announced: Record<RouterRole, Readonly<Record<string, unknown>>> = { dealer: {}, broker: {} };

  /** @internal Reads the router's roles from WELCOME Details. */
  announce(details: WelcomeDetails): void {
    const roles = details.roles;
    this.announced = { dealer: roles.dealer?.features ?? {}, broker: roles.broker?.features ?? {} };
  }

  /** True when `role` announced `feature`. */
  has(role: RouterRole, feature: string): boolean {
    return this.announced[role][feature] === true;
  }

  /** Throws `FeatureNotSupportedError` unless `role` announced `feature`; `option` names what needs it. */
  require(role: RouterRole, feature: string, option: string): void {
    if (!this.has(role, feature)) throw new FeatureNotSupportedError(role, feature, option);
  }
}
