import { performance } from 'node:perf_hooks';
import { inject, injectable } from 'tsyringe';
import { ErrorUri, WampError } from '../protocol/errors';
import type { DependencyProvider, WorkerContext } from '../service/providers';
import { SERVICE_NAME } from '../service/tokens';
import type { WServiceMetrics } from './metrics';

/** DI token of the runner's `WServiceMetrics`. */
export const METRICS = Symbol.for('wservice:metrics');

/** The error label of an outcome: the WampError's URI, else what the caller gets. */
function errorLabel(error: unknown): string {
  return error instanceof WampError ? error.uri : ErrorUri.APPLICATION_ERROR;
}

/**
 * The dependency provider `ServiceRunner({ metrics })` adds to every service: per procedure
 * calls, errors by URI and latency, per subscription topic events and errors, workers in
 * flight. Labels are the declared procedure and topic (a wildcard subscription counts under
 * its pattern), never the caller's values.
 */
@injectable()
export class MetricsProvider implements DependencyProvider {
  constructor(
    @inject(METRICS) private readonly metrics: WServiceMetrics,
    @inject(SERVICE_NAME) private readonly service: string,
  ) {}

  workerSetup(): void {
    this.metrics.inFlight.inc({ service: this.service });
  }

  workerResult(worker: WorkerContext, _result: unknown, error?: unknown): void {
    const { metrics, service } = this;
    metrics.inFlight.dec({ service });
    const { entrypoint } = worker;
    if (entrypoint.kind === 'rpc' || entrypoint.kind === 'http') {
      // An HTTP route is labelled as declared (`GET /orders/:id`): one series per route, not per path.
      const procedure =
        entrypoint.kind === 'rpc' ? entrypoint.uri : `${entrypoint.httpMethod} ${entrypoint.path}`;
      const labels = { service, procedure };
      metrics.calls.inc(labels);
      metrics.callDuration.observe(labels, (performance.now() - worker.startedAt) / 1000);
      if (error !== undefined) metrics.callErrors.inc({ ...labels, error: errorLabel(error) });
    } else if (entrypoint.kind === 'subscribe') {
      const labels = { service, topic: entrypoint.topic };
      metrics.events.inc(labels);
      if (error !== undefined) metrics.eventErrors.inc({ ...labels, error: errorLabel(error) });
    }
  }
}
