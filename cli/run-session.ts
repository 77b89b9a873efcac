import { readFileSync } from 'node:fs';
import { watch, type FSWatcher } from 'chokidar';
import { resolve } from 'node:path';
import { ConfigError, type WServiceConfig } from '../src/config';
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_WEBSOCKET_PATH } from '../src/defaults';
import type { Logger } from '../src/logger';
import type { Readiness, WServiceMetrics, WServiceTracing } from '../src/observability';
import { Router } from '../src/router/router';
import { dashboardUrl } from '../src/router/dashboard';
import { withDashboard } from './dashboard-flag';
import type { RouterOptions } from '../src/router/options';
import type { ServiceClass } from '../src/service/definition';
import { signatureOf } from '../src/contracts/validate';
import { checkConflicts } from '../src/service/conflicts';
import type { ServiceContainer } from '../src/service/container';
import { readServiceDefinition } from '../src/service/metadata';
import { routerShortfalls, type RouterShortfall } from '../src/service/router-features';
import { ServiceRunner, type PerServiceOptions } from '../src/service/runner';
import { CREDENTIALS_DIR } from '../src/service/credentials';
import { HttpServer, type HttpServerOptions } from '../src/service/http/server';
import type { ClientTlsOptions } from '../src/transport/tls';
import { discoverServices, findSourceFiles, serviceTarget, type DiscoveredService } from './discover';

/** What `wservice run` was asked to do, after flags and config are merged. */
export interface RunSettings {
  paths: string[];
  config: WServiceConfig;
  /** Embedded router listener, from --host / --port (default 127.0.0.1:8080). */
  host?: string;
  port?: number;
  watch: boolean;
  logger: Logger;
  cwd: string;
  /** Prometheus metrics of the router and every service (`--metrics-port`). */
  metrics?: WServiceMetrics;
  /** Told after each restart that `--watch` made (the summary is printed again). */
  onRestart?: () => void;
  /** OpenTelemetry spans of every service (`--tracing`, `tracing:` in the config). */
  tracing?: WServiceTracing;
  /** The HTTP server of `@Http` routes, from --http-port / --http-host over `http:` of the config. */
  http?: HttpServerOptions;
  /**
   * `--dashboard`: the embedded router's first WebSocket listener serves the dashboard (unless
   * the config gives one), and every runner publishes `wservice.metrics.snapshot` of `metrics`.
   */
  dashboard?: boolean;
}

/** One line per service instance group, for the start-up summary. */
export interface ServiceSummary {
  name: string;
  instances: number;
  entrypoints: string[];
  file: string;
  /** Parameters whose type fell back to "any", and why. */
  warnings?: string[];
}

/**
 * The running system of `wservice run`: the embedded router (unless an external one is
 * configured) and one `ServiceRunner` per service file, so `--watch` can restart only the
 * services whose files changed while clients stay connected to the router.
 */
export class RunSession {
  private router?: Router;
  /** One HTTP server for the routes of every file's runner. */
  private http?: HttpServer;
  private readonly runners = new Map<string, ServiceRunner>();
  private watcher?: FSWatcher;
  private reloadTimer?: NodeJS.Timeout;
  private changed = new Set<string>();
  private reloading = Promise.resolve();
  private draining = false;

  private constructor(private readonly settings: RunSettings) {}

  /** Discovers the services, starts the router if needed, then every service. */
  static async start(settings: RunSettings): Promise<RunSession> {
    const session = new RunSession(settings);
    const found = discoverServices(settings.paths, settings.cwd);
    const definitions = found.map((f) => readServiceDefinition(f.target));
    // Across every file: each file gets its own runner, which sees only its own classes.
    checkConflicts(definitions, settings.logger);
    checkServiceKeys(
      settings.config,
      definitions.map((d) => d.name),
    );
    const { router } = settings.config;
    if (router.url === undefined)
      session.router = await Router.start({
        ...session.routerOptions(),
        logger: settings.logger,
        metrics: settings.metrics,
      });
    // Served when a service has a route or the configuration asks for it, as a runner decides.
    if (settings.http !== undefined || definitions.some((d) => d.routes.length > 0))
      session.http = new HttpServer(settings.http ?? {}, settings.logger);
    try {
      await session.startFiles(groupByFile(found));
      await session.http?.listen();
    } catch (err) {
      await session.stop();
      throw err;
    }
    // The summary says "watching" only once every folder is watched (a save just after it counts).
    if (settings.watch) await session.watchPaths();
    return session;
  }

  /** Where clients reach the services. */
  get url(): string {
    const { url } = this.settings.config.router;
    if (url !== undefined) return url;
    return this.router!.clientUrl ?? 'in-process only';
  }

  /** Where the `@Http` routes are served, if they are. */
  get httpUrl(): string | undefined {
    return this.http?.url;
  }

  get embedded(): boolean {
    return this.router !== undefined;
  }

  /** True when the embedded router runs in `permissive` (development) mode. */
  get permissive(): boolean {
    return this.router?.permissive === true;
  }

  /** Every running service, grouped by name. */
  summary(): ServiceSummary[] {
    const byName = new Map<string, ServiceSummary>();
    for (const [file, runner] of this.runners) {
      for (const container of runner.containers) {
        const known = byName.get(container.name);
        if (known) known.instances += 1;
        else
          byName.set(container.name, {
            name: container.name,
            instances: 1,
            entrypoints: withSignatures(container),
            file,
            warnings: container.definition.contract.warnings,
          });
      }
    }
    return [...byName.values()];
  }

  /** The dealer features services use that the router lacks, with their cost (none on ours). */
  shortfalls(): RouterShortfall[] {
    const first = [...this.runners.values()].flatMap((r) => r.containers)[0];
    return first === undefined ? [] : routerShortfalls(first.connection);
  }

  /**
   * Ready when every service instance runs and its session is joined (so its procedures and
   * subscriptions are registered); not ready while draining.
   */
  readiness(): Readiness {
    if (this.draining) return { ready: false, reasons: ['draining'] };
    const reasons: string[] = [];
    for (const runner of this.runners.values())
      for (const c of runner.containers) {
        if (c.state !== 'running') reasons.push(`${c.name}: ${c.state}`);
        else if (c.connection.session === undefined) reasons.push(`${c.name}: not joined to the router`);
      }
    if (this.runners.size === 0) reasons.push('no services running');
    return { ready: reasons.length === 0, reasons };
  }

  /** Graceful stop: every service drains and leaves, then the router says GOODBYE to everyone. */
  async stop(): Promise<void> {
    this.draining = true;
    this.unwatch();
    await Promise.allSettled([...this.runners.values()].map((r) => r.stop()));
    this.runners.clear();
    await this.http?.close();
    await this.router?.stop();
  }

  /** Immediate stop: running work is aborted. */
  async kill(): Promise<void> {
    this.draining = true;
    this.unwatch();
    await Promise.allSettled([...this.runners.values()].map((r) => r.kill()));
    await this.http?.close();
    await this.router?.stop();
  }

  private embeddedOptions(): RouterOptions {
    const embedded = this.settings.config.router.embedded as RouterOptions;
    if (
      embedded.listeners !== undefined &&
      this.settings.port === undefined &&
      this.settings.host === undefined
    ) {
      return embedded;
    }
    const host = this.settings.host ?? DEFAULT_HOST;
    const port = this.settings.port ?? DEFAULT_PORT;
    return { ...embedded, listeners: [{ type: 'websocket', host, port, path: DEFAULT_WEBSOCKET_PATH }] };
  }

  /** The embedded router's options, with the dashboard on its first WebSocket listener for `--dashboard`. */
  private routerOptions(): RouterOptions {
    const options = this.embeddedOptions();
    if (this.settings.dashboard !== true) return options;
    return {
      ...options,
      listeners: withDashboard(options.listeners ?? [], this.settings.config.router.realm),
    };
  }

  /** Where the embedded router serves the dashboard, if it does. */
  get dashboardUrl(): string | undefined {
    const listeners = this.routerOptions().listeners ?? [];
    const index = listeners.findIndex((l) => l.type === 'websocket' && l.dashboard !== undefined);
    const info = this.router?.listeners[index];
    const listener = listeners[index];
    if (info === undefined || listener?.type !== 'websocket' || listener.dashboard === undefined)
      return undefined;
    return dashboardUrl(info.url, listener.dashboard);
  }

  private async startFiles(groups: Map<string, ServiceClass[]>): Promise<void> {
    const { config, logger } = this.settings;
    const perService: Record<string, PerServiceOptions> = {};
    for (const [name, options] of Object.entries(config.services)) perService[name] = options;
    const tls = readTls(config, this.settings.cwd);
    await Promise.all(
      [...groups].map(async ([file, services]) => {
        const runner = await ServiceRunner.start({
          services,
          router: config.router.url,
          routerInstance: this.router,
          realm: config.router.realm,
          auth: config.router.auth,
          // On a standalone router each service joins with its own key (`wservice keys`).
          credentials: { dir: resolve(this.settings.cwd, CREDENTIALS_DIR) },
          tls,
          perService,
          logger,
          metrics: this.settings.metrics,
          publishMetrics: this.settings.dashboard === true,
          tracing: this.settings.tracing,
          checkConflicts: false,
          // The session's server, shared by every file (none: no file has a route).
          ...(this.http === undefined ? { http: false as const } : { httpServer: this.http }),
        });
        this.runners.set(file, runner);
      }),
    );
  }

  /**
   * Watches the paths with chokidar: it follows editors' atomic saves (a new file renamed over
   * the old one, which leaves a plain `fs.watch` on the replaced inode), new and deleted files
   * and folders. Changes within 150 ms restart once. Resolves once the initial scan is done.
   */
  private watchPaths(): Promise<void> {
    const { paths, cwd, logger } = this.settings;
    const watcher = watch(
      paths.map((path) => resolve(cwd, serviceTarget(path).path)),
      {
        ignoreInitial: true,
        atomic: true,
        ignored: (path, stats) =>
          /(^|[/\\])(node_modules|\.git)([/\\]|$)/.test(path) ||
          (stats?.isFile() === true && !SOURCE_FILE.test(path)),
      },
    );
    watcher.on('all', (_event, path) => {
      if (!SOURCE_FILE.test(path)) return;
      this.changed.add(resolve(path));
      clearTimeout(this.reloadTimer);
      this.reloadTimer = setTimeout(() => {
        this.reloading = this.reloading.then(() => this.reload());
      }, 150);
    });
    watcher.on('error', (err) => logger.warn(`watching for changes: ${(err as Error).message}`));
    this.watcher = watcher;
    return new Promise((ready) => watcher.once('ready', () => ready()));
  }

  private unwatch(): void {
    clearTimeout(this.reloadTimer);
    void this.watcher?.close();
    this.watcher = undefined;
  }

  /**
   * Restarts the services of the changed files; when a changed file holds no service (a shared
   * module), every service restarts, since any of them may use it.
   */
  private async reload(): Promise<void> {
    const changed = [...this.changed];
    this.changed.clear();
    const { logger, paths, cwd } = this.settings;
    const sources = new Set(findSourceFiles(paths, cwd));
    for (const file of sources) delete require.cache[file];
    let found: DiscoveredService[];
    try {
      found = discoverServices(paths, cwd);
    } catch (err) {
      logger.error(`reload failed, keeping the running services: ${(err as Error).message}`);
      return;
    }
    try {
      checkConflicts(
        found.map((f) => readServiceDefinition(f.target)),
        logger,
      );
    } catch (err) {
      logger.error(`reload refused, keeping the running services: ${(err as Error).message}`);
      return;
    }
    const groups = groupByFile(found);
    const serviceFiles = changed.filter((f) => this.runners.has(f) || groups.has(f));
    const restartAll =
      serviceFiles.length < changed.filter((f) => sources.has(f) || this.runners.has(f)).length;
    const files = restartAll ? new Set([...this.runners.keys(), ...groups.keys()]) : new Set(serviceFiles);
    await Promise.allSettled([...files].map((f) => this.runners.get(f)?.stop()));
    for (const f of files) this.runners.delete(f);
    const restart = new Map([...groups].filter(([f]) => files.has(f)));
    try {
      await this.startFiles(restart);
      const names = [...restart.values()].flat().map((s) => s.name);
      logger.info(`restarted ${names.length} service class(es) after a change: ${names.join(', ')}`);
      this.settings.onRestart?.();
    } catch (err) {
      logger.error(`restart failed: ${(err as Error).message}`);
    }
  }
}

/** The files `--watch` reacts to. */
const SOURCE_FILE = /\.(ts|js|mts|cts|mjs|cjs)$/;

/** `rpc orders.place(order: Order, priority?: number)`: each entrypoint with its parameters. */
function withSignatures(container: ServiceContainer): string[] {
  const { rpcs, subscriptions } = container.definition;
  const signatures = new Map<string, string>([
    ...rpcs.map((r) => [`rpc ${r.uri}`, signatureOf(r.parameters)] as const),
    ...subscriptions.map((s) => [`subscribe ${s.topic}`, signatureOf(s.parameters)] as const),
  ]);
  return container.labels.map((label) => {
    const [kind, target, ...rest] = label.split(' ');
    const signature = signatures.get(`${kind} ${target}`);
    return signature === undefined ? label : [kind, `${target}${signature}`, ...rest].join(' ');
  });
}

/**
 * A `services.<name>` key of the config that names no loaded service is a mistake (a typo
 * would otherwise leave the real service without its settings, silently).
 */
function checkServiceKeys(config: WServiceConfig, loaded: string[]): void {
  const names = new Set(loaded);
  const unknown = Object.keys(config.services).filter((key) => !names.has(key));
  if (unknown.length === 0) return;
  const where = config.file === undefined ? 'the configuration' : config.file;
  throw new ConfigError(
    `${where}: services.${unknown[0]} names no loaded service (loaded: ${[...names].sort().join(', ')})`,
    { file: config.file, key: `services.${unknown[0]}` },
  );
}

function groupByFile(found: DiscoveredService[]): Map<string, ServiceClass[]> {
  const groups = new Map<string, ServiceClass[]>();
  for (const { file, target } of found) groups.set(file, [...(groups.get(file) ?? []), target]);
  return groups;
}

/** The TLS files named in the config, read. */
function readTls(config: WServiceConfig, cwd: string): ClientTlsOptions | undefined {
  const tls = config.router.tls;
  if (tls === undefined) return undefined;
  const read = (path?: string) => (path === undefined ? undefined : readFileSync(resolve(cwd, path), 'utf8'));
  return {
    ca: read(tls.ca),
    cert: read(tls.cert),
    key: read(tls.key),
    rejectUnauthorized: tls.rejectUnauthorized,
  };
}
