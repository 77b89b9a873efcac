/**
 * Injection tokens for what the runner provides to each service, beyond classes injected by
 * type (`EventDispatcher`, dependency providers, your own classes).
 */

/** The service's `Connection` to the router, for what the framework does not wrap. */
export const WAMP_CONNECTION = Symbol.for('wservice:connection');
/** The service's logger (pino), already named after the service. */
export const LOGGER = Symbol.for('wservice:logger');
/** `services.<name>.settings` from wservice.config.yaml, as a plain object (`{}` when absent). */
export const SETTINGS = Symbol.for('wservice:settings');
/** The service's name. */
export const SERVICE_NAME = Symbol.for('wservice:service-name');
