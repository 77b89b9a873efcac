import type { DependencyContainer } from 'tsyringe';
import type { ProxyCall } from '../client/proxy';
import type { Logger } from '../logger';
import { EventDispatcher } from './events';
import { registerProxies } from './proxy';
import { LOGGER, SERVICE_NAME, SETTINGS, WAMP_CONNECTION } from './tokens';

/**
 * What the framework injects into a service, in one place: the service container fills it
 * with the live connection, the test kit's `workerFactory` with stand-ins.
 */
export interface Injectables {
  /** `WAMP_CONNECTION`. */
  connection: object;
  /** `LOGGER`. */
  logger: Logger;
  /** `SETTINGS`. */
  settings: Record<string, unknown>;
  /** `SERVICE_NAME`. */
  name: string;
  /** Injected by type. */
  events: EventDispatcher;
  /** The calls of `rpcProxy(service)`'s proxy. */
  proxyCall: (service: string) => ProxyCall;
}

/** Registers every injectable in `di`; the caller registers its replacements after. */
export function provideInjectables(di: DependencyContainer, values: Injectables): void {
  di.registerInstance(WAMP_CONNECTION, values.connection);
  di.registerInstance(LOGGER, values.logger);
  di.registerInstance(SETTINGS, values.settings);
  di.registerInstance(SERVICE_NAME, values.name);
  di.registerInstance(EventDispatcher, values.events);
  registerProxies(di, values.proxyCall);
}
