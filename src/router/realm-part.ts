import type { Logger } from '../logger';
import type { IdSequence } from '../protocol/ids';
import type { Authorizer } from './authorizer';

/**
 * What a realm gives each of its parts (the dealer, the broker) instead of itself: who may do
 * what, where router-wide ids come from, where the part reports its changes (meta events).
 */
export interface RealmPartSetup<Events> {
  readonly permissions: Pick<Authorizer, 'permits' | 'registerProblem' | 'generation'>;
  /** Registration and subscription ids, unique across the router. */
  readonly ids: Pick<IdSequence, 'next'>;
  readonly events: Events;
  readonly logger: Logger;
}
