import { Option, type Command } from 'commander';
import { DEFAULT_HOST } from '../src/defaults';
import type { Logger } from '../src/logger';
import {
  startMetricsServer,
  WServiceMetrics,
  type MetricsServer,
  type Readiness,
} from '../src/observability';
import { colour } from './style';

/** `--metrics-port` / `--metrics-host` of `run` and `router`. */
export interface MetricsFlags {
  metricsPort?: number;
  metricsHost?: string;
}

/** Adds the metrics flags; `port` is the command's port parser. */
export function withMetricsFlags(command: Command, port: (value: string) => number): Command {
  return command
    .addOption(
      new Option(
        '--metrics-port <port>',
        'serve Prometheus metrics on /metrics and health on /healthz, /readyz (0 picks a free port)',
      )
        .argParser(port)
        .env('WSERVICE_METRICS_PORT'),
    )
    .addOption(
      new Option('--metrics-host <host>', `address of the metrics port (default ${DEFAULT_HOST})`).env(
        'WSERVICE_METRICS_HOST',
      ),
    );
}

/** The metrics and their HTTP server, when the flags ask for them. */
export interface MetricsEndpoint {
  metrics: WServiceMetrics;
  server: MetricsServer;
}

export async function startMetricsEndpoint(
  flags: MetricsFlags,
  readiness: () => Readiness,
  logger: Logger,
): Promise<MetricsEndpoint | undefined> {
  if (flags.metricsPort === undefined) return undefined;
  const metrics = new WServiceMetrics();
  const server = await startMetricsServer({
    metrics,
    port: flags.metricsPort,
    host: flags.metricsHost,
    readiness,
    logger,
  });
  return { metrics, server };
}

/** The summary line naming the endpoint. */
export function metricsLine(endpoint: MetricsEndpoint | undefined): string {
  if (endpoint === undefined) return '';
  const c = colour(process.stdout);
  const { url } = endpoint.server;
  return `${c('dim', 'metrics')} ${c('cyan', `${url}/metrics`)} ${c('dim', `(health ${url}/healthz, ${url}/readyz)`)}\n`;
}
