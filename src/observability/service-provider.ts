import { performance } from 'node:perf_hooks';
import { inject, injectable } from 'tsyringe';
import { ErrorUri, WampError } from '../protocol/errors';
import type { DependencyProvider, WorkerContext } from '../service/providers';
import { SERVICE_NAME } from '../service/tokens';
import type { EntrypointDefinition } from '../service/definition';
import type { WServiceMetrics } from './metrics';
import { ProcedureSeries, type ServiceLoad, type TopicSeries } from './series';

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
  private readonly load: ServiceLoad;
  /** Each entrypoint's series, found once: a call then adds to numbers it holds. */
  private readonly series = new Map<EntrypointDefinition, ProcedureSeries | TopicSeries | undefined>();

  constructor(
    @inject(METRICS) private readonly metrics: WServiceMetrics,
    @inject(SERVICE_NAME) private readonly service: string,
  ) {
    this.load = metrics.load(service);
  }

  workerSetup(): void {
    this.load.inFlight += 1;
  }

  workerResult(worker: WorkerContext, _result: unknown, error?: unknown): void {
    this.load.inFlight -= 1;
    const series = this.seriesOf(worker.entrypoint);
    if (series instanceof ProcedureSeries) {
      series.calls.pending += 1;
      series.latency.observe((performance.now() - worker.startedAt) / 1000);
      if (error !== undefined) series.error(errorLabel(error)).pending += 1;
    } else if (series !== undefined) {
      series.events.pending += 1;
      if (error !== undefined) series.error(errorLabel(error)).pending += 1;
    }
  }

  private seriesOf(entrypoint: EntrypointDefinition): ProcedureSeries | TopicSeries | undefined {
    if (this.series.has(entrypoint)) return this.series.get(entrypoint);
    const { metrics, service } = this;
    let series: ProcedureSeries | TopicSeries | undefined;
    // An HTTP route is labelled as declared (`GET /orders/:id`): one series per route, not per path.
    if (entrypoint.kind === 'rpc') series = metrics.procedure(service, entrypoint.uri);
    else if (entrypoint.kind === 'http')
      series = metrics.procedure(service, `${entrypoint.httpMethod} ${entrypoint.path}`);
    else if (entrypoint.kind === 'subscribe') series = metrics.topic(service, entrypoint.topic);
    this.series.set(entrypoint, series);
    return series;
  }
}
