import { Command, InvalidArgumentError } from 'commander';
import type { LogLevelName } from '../../src/config';
import { isValidUri } from '../../src/protocol/uri';
import { Router } from '../../src/router';
import { dashboardUrl } from '../../src/router/dashboard';
import { withDashboard } from '../dashboard-flag';
import type { ListenerOptions } from '../../src/router/options';
import { logFormatOption, logLevelOption, serverLogger, type LogFormat, type LogLevelSpec } from '../logging';
import { metricsLine, startMetricsEndpoint, withMetricsFlags, type MetricsFlags } from '../metrics-flags';
import {
  inFile,
  PERMISSIVE_LINE,
  routerOptionsFor,
  ROUTER_DEFAULTS,
  type RouterCommandFlags,
} from '../router-options';
import { stopOnSignals } from '../signals';
import { colour } from '../style';

interface RouterFlags extends RouterCommandFlags, MetricsFlags {
  logLevel?: LogLevelSpec;
  logFormat?: LogFormat;
  dashboard?: boolean;
}

const LOG_LEVELS: readonly LogLevelName[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** `wservice router`: the embedded WAMP router on its own, for any WAMP client. */
export function routerCommand(): Command {
  const command = new Command('router')
    .description('run a standalone WAMP router (WebSocket and RawSocket) for services and any WAMP client')
    .option('--host <host>', `interface every TCP listener binds (default ${ROUTER_DEFAULTS.host})`)
    .option('--port <port>', `WebSocket port; 0 picks a free one (default ${ROUTER_DEFAULTS.port})`, port)
    .option('--path <path>', `WebSocket URL path (default ${ROUTER_DEFAULTS.path})`, urlPath)
    .option(
      '--realm <realm>',
      `realm to serve (default WSERVICE_REALM, else ${ROUTER_DEFAULTS.realm})`,
      realm,
    )
    .option(
      '--rawsocket-port <port>',
      'also listen for RawSocket (TCP) on this port; 0 picks a free one',
      port,
    )
    .option('--config <file>', 'router options (listeners, realms, auth, roles, limits) in YAML or JSON')
    .option('--dashboard', 'serve the live dashboard on the first WebSocket listener (/dashboard/)')
    .addOption(logLevelOption('default: WSERVICE_LOG_LEVEL, else info'))
    .addOption(logFormatOption());
  return withMetricsFlags(command, port)
    .addHelpText(
      'after',
      `
Flags win over the file. Without realms in the file the router serves one realm, realm1
(or --realm / WSERVICE_REALM), where everyone may do everything: configure auth and roles in
the file before exposing it to a network (see docs/router.md).

Examples:
  $ wservice router                                      ws://127.0.0.1:8080/ws, realm realm1
  $ wservice router --port 9000 --rawsocket-port 9001    also rs://127.0.0.1:9001
  $ wservice router --host 0.0.0.0 --realm prod          every interface (mind auth and roles)
  $ wservice router --config router.yaml --log-level debug
  $ wservice router --metrics-port 9464                  Prometheus on :9464/metrics, /healthz, /readyz
  $ wservice router --dashboard                          the dashboard on http://127.0.0.1:8080/dashboard/

router.yaml:
  listeners:
    - { type: websocket, port: 8080 }
    - { type: rawsocket, path: /tmp/wamp.sock }
  realms:
    - name: shop
      roles:
        - { name: backend, permissions: [{ uri: 'shop.', match: prefix, allow: { call: true, register: true } }] }
  auth:
    ticket: { principals: { orders: { ticket: s3cret, role: backend } } }

Stop with Ctrl-C (or SIGTERM): every session gets GOODBYE, then the router exits.
A second Ctrl-C stops at once.`,
    )
    .action((flags: RouterFlags) => serve(flags));
}

async function serve(flags: RouterFlags): Promise<void> {
  const found = routerOptionsFor(flags);
  const { file } = found;
  const options =
    flags.dashboard === true
      ? {
          ...found.options,
          listeners: withDashboard(found.options.listeners ?? [], found.options.realms?.[0]?.name),
        }
      : found.options;
  const level = flags.logLevel?.level ?? logLevelFromEnv();
  const logger = serverLogger(level, flags.logLevel, flags.logFormat);
  let state: 'starting' | 'serving' | 'draining' = 'starting';
  const endpoint = await startMetricsEndpoint(
    flags,
    () => (state === 'serving' ? { ready: true, reasons: [] } : { ready: false, reasons: [state] }),
    logger,
  );
  let router: Router;
  try {
    router = await Router.start({ ...options, logger, metrics: endpoint?.metrics });
  } catch (error) {
    await endpoint?.server.close();
    throw inFile(error, file);
  }
  state = 'serving';
  process.stdout.write(banner(router, options.listeners ?? []) + metricsLine(endpoint));
  stopOnSignals({
    stop: () => {
      state = 'draining';
      return router.stop().finally(() => endpoint?.server.close());
    },
  });
}

/** What the router serves: every listener's URL (the real port for port 0) and the realms. */
function banner(router: Router, listeners: readonly ListenerOptions[]): string {
  const c = colour(process.stdout);
  const realms = router.realmNames.join(', ');
  const dashboards = router.listeners.flatMap((info, i) => {
    const listener = listeners[i];
    return listener?.type === 'websocket' && listener.dashboard !== undefined
      ? [`${c('dim', 'dashboard')} ${c('cyan', dashboardUrl(info.url, listener.dashboard))}`]
      : [];
  });
  const lines = [
    `${c('bold', 'wservice router')} realm${router.realmNames.length === 1 ? '' : 's'} ${c('green', realms)}`,
    ...router.listeners.map((l) => `  ${c('cyan', l.url)}`),
    ...dashboards,
    ...(router.permissive ? [c('yellow', PERMISSIVE_LINE)] : []),
    '',
    c('dim', 'Ctrl-C to stop'),
    '',
  ];
  return lines.join('\n');
}

function logLevelFromEnv(): LogLevelName {
  const level = process.env.WSERVICE_LOG_LEVEL as LogLevelName | undefined;
  return level !== undefined && LOG_LEVELS.includes(level) ? level : 'info';
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

function urlPath(value: string): string {
  if (!value.startsWith('/')) throw new InvalidArgumentError('must start with "/"');
  return value;
}

function realm(value: string): string {
  if (!isValidUri(value))
    throw new InvalidArgumentError('must be a valid URI, like realm1 or com.example.prod');
  return value;
}
