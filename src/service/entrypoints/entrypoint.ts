import type { Connection } from '../../client/connection';
import type { Extension } from '../lifecycle';
import type { EntrypointDefinition } from '../definition';
import type { EntrypointWorkers, WorkerHost } from '../worker';

/** Everything an entrypoint needs from its container. */
export interface EntrypointHost extends WorkerHost {
  readonly connection: Connection;
  /** Aborts when the container is killed: workers that are not calls listen to it. */
  readonly killSignal: AbortSignal;
  /**
   * The one `EntrypointWorkers` of `definition` in this service instance, made on first ask:
   * its entrypoint and the container's direct calls (`runEntrypoint`) share it.
   */
  workers(definition: EntrypointDefinition): EntrypointWorkers;
}

/**
 * One way work reaches a service (a procedure, a subscription, a timer), with the lifecycle
 * every extension shares: `start` makes it live, `stop` makes sure no new work arrives (work
 * already running is the container's to wait for), `kill` does so at once without the network
 * (the container's connection closes after it).
 */
export interface Entrypoint extends Extension {
  /** For logs and the start-up summary: `rpc greeter.hello`. */
  readonly label: string;
}

/** The correlation id a wservice caller put in the Details, if any. */
export function correlationFrom(details: Record<string, unknown>): string | undefined {
  const value = details[CORRELATION_ATTRIBUTE];
  return typeof value === 'string' && value.length > 0 && value.length <= 200 ? value : undefined;
}

/**
 * The custom attribute (`x_` prefix, the WAMP convention for implementation-specific keys)
 * that carries the correlation id in CALL / PUBLISH Options and INVOCATION / EVENT Details.
 */
export const CORRELATION_ATTRIBUTE = 'x_correlation_id';
