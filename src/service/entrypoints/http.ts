import type { Kwargs } from '../../protocol/messages';
import type { HttpDefinition } from '../definition';
import type { HttpOrigin, HttpRoutes } from '../http/server';
import { runWorker, type EntrypointWorkers } from '../worker';
import type { Entrypoint, EntrypointHost } from './entrypoint';

/**
 * `@Http`: a route of the runner's HTTP server. Every instance of the service adds itself to
 * the route (requests go to them in turn); its workers run as every entrypoint's do (binding
 * and contract checks, concurrency gate, call context, providers' hooks).
 */
export class HttpEntrypoint implements Entrypoint {
  readonly label: string;
  private remove?: () => void;
  private readonly workers: EntrypointWorkers;

  constructor(
    private readonly host: EntrypointHost,
    private readonly definition: HttpDefinition,
    private readonly routes: HttpRoutes,
  ) {
    this.label = `http ${definition.httpMethod} ${definition.path}`;
    this.workers = host.workers(definition);
  }

  start(): Promise<void> {
    this.remove = this.routes.add(this.host.service, this.definition, (kwargs, origin) =>
      this.invoke(kwargs, origin),
    );
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.kill();
    return Promise.resolve();
  }

  kill(): void {
    this.remove?.();
    this.remove = undefined;
  }

  private invoke(kwargs: Kwargs, origin: HttpOrigin): Promise<unknown> {
    const { killSignal } = this.host;
    return runWorker(this.workers, [], kwargs, {
      uri: origin.path,
      correlationId: origin.correlationId,
      signal: () => AbortSignal.any([origin.signal, killSignal]),
      // The request's traceparent is the SERVER span's parent, as a caller's x_traceparent is.
      details: origin.trace,
    });
  }
}
