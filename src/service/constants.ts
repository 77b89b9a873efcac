/** Defaults of the service layer, in one place (nameko's constants.py). */
import { WServiceErrorUri } from '../errors';

/** Entrypoint calls one service instance runs at once. */
export const DEFAULT_MAX_CONCURRENCY = 10;
/** Calls that may wait for a free slot; beyond this new calls are refused. */
export const DEFAULT_MAX_QUEUED = 100;
/** How long a graceful stop waits for in-flight work, in ms. */
export const DEFAULT_STOP_TIMEOUT = 10_000;
/** Shared registrations spread calls over instances in turn. */
export const DEFAULT_INVOKE = 'roundrobin' as const;

/** URI prefix of the procedures behind `@Subscribe(topic, { delivery: 'pool' })`. */
export const POOL_PROCEDURE_PREFIX = 'wservice.pool';
/** URI prefix of the procedure behind `@Subscribe(topic, { delivery: 'singleton' })`, shared by every service. */
export const SINGLETON_PROCEDURE_PREFIX = 'wservice.singleton';
/** The `delivery` values `@Subscribe` accepts. */
export const EVENT_DELIVERIES = ['broadcast', 'pool', 'singleton'] as const;

/** Error URIs the service layer sends (from the catalogue, `WServiceErrorUri`). */
export const ServiceErrorUri = {
  /** The instance's queue is full: retry later or add instances. */
  OVERLOADED: WServiceErrorUri.OVERLOADED,
  /** The instance is stopping and takes no new calls. */
  UNAVAILABLE: WServiceErrorUri.UNAVAILABLE,
} as const;

/** The largest request body an `@Http` route reads (1 MiB); a larger one is answered 413. */
export const DEFAULT_HTTP_MAX_BODY_BYTES = 1024 * 1024;
/** How long the HTTP server waits for a request's headers, in ms (slow-loris bound). */
export const HTTP_HEADERS_TIMEOUT = 10_000;
/** How long the HTTP server waits for a whole request, body included, in ms. */
export const HTTP_REQUEST_TIMEOUT = 30_000;
