import type { Connection } from '../client/connection';
import type { RouterFeatures } from '../client/features';

/**
 * What the service layer asks of the router beyond the Basic Profile, and what running
 * without it costs. Services run on any spec-conforming router: each entrypoint falls back
 * where a feature is missing (see RpcEntrypoint, PoolSubscribeEntrypoint), and the start-up
 * summary lists these costs.
 */
const NEEDED = [
  {
    feature: 'shared_registration',
    cost: 'procedures are registered single: one instance of each service (a second one fails to start)',
  },
  {
    feature: 'registration_meta_api',
    cost: "delivery 'pool' and 'singleton' fall back to broadcast: every instance gets every event",
  },
] as const;

/** A dealer feature the router lacks, and its cost for services. */
export interface RouterShortfall {
  readonly feature: string;
  readonly cost: string;
}

/** The dealer features of `NEEDED` that the router of `connection` did not announce. */
export function routerShortfalls(connection: Connection): RouterShortfall[] {
  const features = connection.session?.features;
  if (features === undefined) return [];
  return NEEDED.filter((n) => !features.has('dealer', n.feature)).map((n) => ({ ...n }));
}

/** True when `features` let instances share a procedure and the meta API find pool handlers. */
export function poolDeliveryAvailable(features: RouterFeatures): boolean {
  return features.has('dealer', 'shared_registration') && features.has('dealer', 'registration_meta_api');
}
