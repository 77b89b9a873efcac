import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from '../../src/config';
import { DEFAULT_HOST, DEFAULT_HTTP_PORT, DEFAULT_PORT, DEFAULT_REALM } from '../../src/defaults';
import { PERMISSIVE_LINE } from '../router-options';
import type { RouterShortfall } from '../../src/service/router-features';
import { logFormatOption, logLevelOption, serverLogger, type LogFormat, type LogLevelSpec } from '../logging';
import { metricsLine, startMetricsEndpoint, withMetricsFlags, type MetricsFlags } from '../metrics-flags';
import { routerOption, tlsFromFlags, withTlsFlags, type TlsFlags } from '../router-flags';
import { WServiceMetrics } from '../../src/observability';
import { RunSession, type ServiceSummary } from '../run-session';
import { stopOnSignals } from '../signals';
import { setUpTracing, tracingLine } from '../tracing-setup';
import { colour } from '../style';
import type { HttpServerOptions } from '../../src/service/http/server';

interface RunFlags extends MetricsFlags, TlsFlags {
  router?: string;
  realm?: string;
  config?: string;
  port?: number;
  host?: string;
  logLevel?: LogLevelSpec;
  logFormat?: LogFormat;
  watch?: boolean;
  tracing?: boolean;
  httpPort?: number;
  httpHost?: string;
  dashboard?: boolean;
}

/** `wservice run <paths...>`: every @Service under the paths, on the embedded or a given router. */
export function runCommand(): Command {
  const command = new Command('run')
    .description('run every @Service class found under the given files and folders')
    .argument(
      '<paths...>',
      'files or folders to search (recursively) for .ts and .js service files, or file.ts:ClassName for one class',
    )
    .addOption(routerOption('join this router (ws://, wss://, rs://, rss://, unix:) instead of starting one'))
    .option('--realm <realm>', `the realm to join (default ${DEFAULT_REALM}, or WSERVICE_REALM)`)
    .option('--config <file>', 'configuration file (default ./wservice.config.yaml|yml|json if present)')
    .option(
      '--port <port>',
      `port of the embedded router (default ${DEFAULT_PORT}; 0 picks a free one)`,
      port,
    )
    .option('--host <host>', `address of the embedded router (default ${DEFAULT_HOST})`)
    .addOption(logLevelOption('default: the config file, WSERVICE_LOG_LEVEL, else info'))
    .addOption(logFormatOption())
    .option('--watch', 'restart the services of changed files (the router keeps running)')
    .option(
      '--tracing',
      'OpenTelemetry spans per call and event (to the SDK of tracing.setup in the config, else the global provider; or WSERVICE_TRACING=1)',
    )
    .addOption(
      new Option(
        '--http-port <port>',
        `port of the @Http routes (default ${DEFAULT_HTTP_PORT}; 0 picks a free one)`,
      )
        .argParser(port)
        .env('WSERVICE_HTTP_PORT'),
    )
    .addOption(
      new Option('--http-host <host>', `address of the @Http routes (default ${DEFAULT_HOST})`).env(
        'WSERVICE_HTTP_HOST',
      ),
    )
    .addOption(
      new Option(
        '--dashboard',
        "serve the live dashboard on the embedded router's port (/dashboard/) and publish the services' metrics to it",
      ).env('WSERVICE_DASHBOARD'),
    );
  return withMetricsFlags(withTlsFlags(command), port)
    .addHelpText(
      'after',
      `
Examples:
  $ wservice run ./services                               embedded router on ws://127.0.0.1:8080/ws
  $ wservice run ./services --port 9000 --watch           restart services when their files change
  $ wservice run services/orders.service.ts:OrdersService  one class of a file
  $ wservice run ./services --router ws://crossbar:8080/ws --realm prod
  $ wservice run ./services --router ws://node1:8080/ws --router ws://node2:8080/ws   failover in turn
  $ WSERVICE_ROUTER=rs://10.0.0.5:8081 wservice run dist/services
  $ wservice run ./services --router wss://router:8443/ws --tls-ca ca.crt --tls-cert svc.crt --tls-key svc.key
  $ wservice run dist/services --metrics-port 9464        Prometheus on :9464/metrics, /healthz, /readyz
  $ wservice run dist/services --tracing                  spans through the SDK of tracing.setup
  $ wservice run ./services --http-port 8000              @Http routes on http://127.0.0.1:8000
  $ wservice run ./services --dashboard                   the dashboard on http://127.0.0.1:8080/dashboard/

Stop with Ctrl-C (or SIGTERM): services finish their in-flight calls, then leave.
A second Ctrl-C stops at once.`,
    )
    .action((paths: string[], flags: RunFlags) => run(paths, flags));
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

async function run(paths: string[], flags: RunFlags): Promise<void> {
  const config = loadConfig({
    file: flags.config,
    flags: {
      router: flags.router,
      realm: flags.realm,
      logLevel: flags.logLevel?.level,
      tracing: flags.tracing,
    },
  });
  // TLS flags win over router.tls of the file, one by one.
  const tls = tlsFromFlags(flags);
  if (tls !== undefined) config.router.tls = { ...config.router.tls, ...definedOnly(tls) };
  const tracing = setUpTracing(config);
  const logger = serverLogger(config.logLevel, flags.logLevel, flags.logFormat);
  let session: RunSession | undefined;
  // Printed at start and, with --watch, after each restart.
  const summary = (): string =>
    renderSummary(
      session!.summary(),
      session!.url,
      config.router.realm,
      session!.embedded,
      flags.watch === true,
      session!.permissive,
      session!.shortfalls(),
    ) +
    httpLine(session!.httpUrl) +
    dashboardLine(session!.dashboardUrl) +
    metricsLine(endpoint) +
    tracingLine(tracing);
  const endpoint = await startMetricsEndpoint(
    flags,
    () => session?.readiness() ?? { ready: false, reasons: ['starting'] },
    logger,
  );
  // The dashboard's charts read the services' metrics: counted even without --metrics-port.
  const dashboard = flags.dashboard === true;
  const metrics = endpoint?.metrics ?? (dashboard ? new WServiceMetrics() : undefined);
  try {
    session = await RunSession.start({
      paths,
      config,
      host: flags.host,
      port: flags.port,
      watch: flags.watch === true,
      logger,
      cwd: process.cwd(),
      metrics,
      dashboard,
      tracing: tracing?.tracing,
      http: httpSettings(config.http, flags),
      onRestart: () => process.stdout.write(summary()),
    });
  } catch (err) {
    await endpoint?.server.close();
    await tracing?.shutdown();
    throw err;
  }
  process.stdout.write(summary());
  const running = session;
  const closeEnds = () => Promise.allSettled([endpoint?.server.close(), tracing?.shutdown()]);
  stopOnSignals({
    stop: () => running.stop().finally(closeEnds),
    kill: () => running.kill().finally(closeEnds),
  });
}

/** `http:` of the config, the flags winning one by one; undefined when neither says anything. */
function httpSettings(file: HttpServerOptions | undefined, flags: RunFlags): HttpServerOptions | undefined {
  const fromFlags = definedOnly({ port: flags.httpPort, host: flags.httpHost });
  if (file === undefined && Object.keys(fromFlags).length === 0) return undefined;
  return { ...file, ...fromFlags };
}

function dashboardLine(url: string | undefined): string {
  if (url === undefined) return '';
  const c = colour(process.stdout);
  return `${c('dim', 'dashboard')} ${c('cyan', url)}\n`;
}

function httpLine(url: string | undefined): string {
  if (url === undefined) return '';
  const c = colour(process.stdout);
  return `${c('dim', 'http')} ${c('cyan', url)}\n`;
}

/** The start-up summary: the router, then each service with its entrypoints, aligned. */
export function renderSummary(
  services: ServiceSummary[],
  url: string,
  realm: string,
  embedded: boolean,
  watching: boolean,
  permissive = false,
  shortfalls: RouterShortfall[] = [],
): string {
  const c = colour(process.stdout);
  const nameWidth = Math.max(
    ...services.map((s) => s.name.length + (s.instances > 1 ? ` x${s.instances}`.length : 0)),
  );
  const kindWidth = Math.max(...services.flatMap((s) => s.entrypoints.map((e) => e.split(' ')[0].length)));
  const lines = [
    `${c('bold', 'wservice')} ${services.length} service${services.length === 1 ? '' : 's'} on ${c('cyan', url)} (realm ${realm}, ${embedded ? 'embedded router' : 'external router'})${watching ? c('dim', ', watching for changes') : ''}`,
    ...(permissive ? [c('yellow', PERMISSIVE_LINE)] : []),
    '',
  ];
  for (const service of services) {
    const label = service.name + (service.instances > 1 ? ` x${service.instances}` : '');
    const entries = service.entrypoints.length > 0 ? service.entrypoints : ['(no entrypoints)'];
    entries.forEach((entry, i) => {
      const [kind, ...rest] = entry.split(' ');
      const head = i === 0 ? c('green', label.padEnd(nameWidth)) : ' '.repeat(nameWidth);
      lines.push(`  ${head}  ${c('dim', kind.padEnd(kindWidth))}  ${rest.join(' ')}`);
    });
    for (const warning of service.warnings ?? []) {
      lines.push(`  ${' '.repeat(nameWidth)}  ${c('yellow', `! ${warning}`)}`);
    }
  }
  if (shortfalls.length > 0) {
    lines.push('', c('yellow', 'The router lacks:'));
    for (const { feature, cost } of shortfalls) lines.push(`  ${feature}: ${cost}`);
  }
  lines.push('', c('dim', 'Ctrl-C to stop'), '');
  return lines.join('\n');
}
