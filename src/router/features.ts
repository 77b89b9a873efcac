import type { Roles } from '../protocol/messages';

/**
 * The roles and advanced-profile features this router announces in WELCOME (spec: "Feature
 * Announcement"). A feature is listed only when the dealer or broker implements it fully.
 */
export const ROUTER_ROLES: Readonly<Roles> = Object.freeze({
  dealer: {
    features: {
      progressive_call_results: true,
      call_timeout: true,
      call_canceling: true,
      caller_identification: true,
      pattern_based_registration: true,
      shared_registration: true,
      session_meta_api: true,
      registration_meta_api: true,
    },
  },
  broker: {
    features: {
      publisher_identification: true,
      publisher_exclusion: true,
      subscriber_blackwhite_listing: true,
      pattern_based_subscription: true,
      session_meta_api: true,
      subscription_meta_api: true,
    },
  },
});

/** The roles a client may announce in HELLO; it must announce at least one (spec). */
export const CLIENT_ROLES = ['caller', 'callee', 'publisher', 'subscriber'] as const;
export type ClientRole = (typeof CLIENT_ROLES)[number];
