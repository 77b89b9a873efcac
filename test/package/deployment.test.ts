import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, posix, resolve } from 'node:path';
import { parse } from 'yaml';
import { assertBuilt, killStarted, ROOT, runProgram, startProgram, type Running } from '../cli/helpers/cli';
import { buildDockerfile, hostPath, readDockerfile, type BuiltStage, type Stage } from './dockerfile';
import { packWservice } from './pack';

/**
 * examples/shop/deploy as Docker would run it, without Docker: compose.yaml is read and every
 * name it uses checked against the build context, the Dockerfile's stages are run
 * (./dockerfile.ts: `npm install`, `tsc`, `wservice build`, then `npm ci --omit=dev` into a
 * fresh folder with the compiled output only), `wservice keys` writes the router's config and
 * the services' keys, and the compose services are started from the final stage as their
 * commands and environment say, on one machine: the compose services' host names are
 * 127.0.0.1 and their fixed ports free ones. Needs `npm run build` first; two installs.
 */

const DEPLOY = join(ROOT, 'examples/shop/deploy');
const INSTALL_TIMEOUT = 10 * 60_000;

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command: string[];
  environment?: Record<string, string>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
}

const compose = parse(readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = Object.entries(compose.services);
const [builderName, builder] = services.find(([, s]) => s.build !== undefined)!;
const serviceContext = resolve(DEPLOY, builder.build!.context);

/** Compose's interpolation: `${VAR}`, `${VAR:-default}`, `${VAR:?message}` (an error when unset). */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, op?: string, rest?: string) => {
    const set = env[name];
    if (set !== undefined && set !== '') return set;
    if (op === '?') throw new Error(`${name}: ${rest}`);
    return op === '-' ? rest! : '';
  });
}

const flag = (command: string[], name: string) => {
  const at = command.indexOf(name);
  return at < 0 ? undefined : command[at + 1];
};

let work: string;
let context: string;
let tarball: string;
let stages: Stage[];
let image: BuiltStage;
let app: string;
let keys: Record<string, string>;

beforeAll(async () => {
  assertBuilt();
  work = mkdtempSync(join(tmpdir(), 'wservice-deploy-'));
  // The build context as a clean checkout has it: what .gitignore keeps out is left behind.
  context = join(work, 'context');
  const ignored = new Set(['vendor', 'credentials', 'router.yaml', '.env', 'node_modules', 'dist']);
  cpSync(serviceContext, context, { recursive: true, filter: (src) => !ignored.has(basename(src)) });
  tarball = await packWservice(join(context, 'deploy/vendor'));
  stages = readDockerfile(join(context, builder.build!.dockerfile));
  image = await buildDockerfile(stages, {
    context,
    root: join(work, 'image'),
    env: { ...process.env, npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' },
  });
  app = hostPath(image, '.');
  // `wservice keys` as compose.yaml's comment says, run on the compiled services.
  const realm = compose.services.orders.environment!.WSERVICE_REALM;
  const deploy = join(context, 'deploy');
  const written = await runProgram(
    join(app, 'node_modules/.bin/wservice'),
    [
      'keys',
      'dist/services',
      '--realm',
      realm,
      '--dir',
      join(deploy, 'credentials'),
      '--out',
      join(deploy, 'router.yaml'),
    ],
    { cwd: app },
  );
  expect(written).toMatchObject({ code: 0 });
  keys = Object.fromEntries(
    readdirSync(join(deploy, 'credentials'))
      .filter((f) => f.endsWith('.key'))
      .map((f) => [
        `WSERVICE_${f.slice(0, -'.key'.length).toUpperCase()}_PRIVATE_KEY`,
        readFileSync(join(deploy, 'credentials', f), 'utf8').trim(),
      ]),
  );
}, INSTALL_TIMEOUT);
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(killStarted);

describe('the Dockerfile', () => {
  it('compiles in one stage and runs compiled output with production dependencies only in another', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const final = stages[stages.length - 1];
    const runs = final.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs.some((r) => /^npm ci --omit=dev\b/.test(r))).toBe(true);
    expect(existsSync(join(app, 'dist/services/orders.service.js'))).toBe(true);
    expect(existsSync(join(app, 'dist/services/orders.service.contract.json'))).toBe(true);
    expect(existsSync(join(app, 'services'))).toBe(false);
    expect(existsSync(join(app, 'node_modules/@swc/core'))).toBe(false);
    expect(existsSync(join(app, 'node_modules/wservice/dist/src/index.js'))).toBe(true);
    // The wservice tarball package.json names is the one `npm pack` makes of this version.
    const pkg = JSON.parse(readFileSync(join(DEPLOY, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(pkg.dependencies.wservice).toBe(`file:vendor/${basename(tarball)}`);
  });

  it('runs as an unprivileged user, with a health check on /healthz and wservice as entrypoint', () => {
    expect(image.user).toBeDefined();
    expect(['root', '0']).not.toContain(image.user);
    expect(image.healthcheck!.join(' ')).toContain('/healthz');
    expect(image.exposed).toEqual(expect.arrayContaining(['8080', image.env.WSERVICE_METRICS_PORT]));
    expect(existsSync(hostPath(image, image.entrypoint![0]))).toBe(true);
    expect(image.cmd![0]).toBe('run');
    expect(existsSync(hostPath(image, image.cmd![1]))).toBe(true);
  });
});

describe('compose.yaml', () => {
  it('builds one image from a context and Dockerfile that exist, which every service runs', () => {
    expect(existsSync(join(serviceContext, builder.build!.dockerfile))).toBe(true);
    for (const [name, service] of services)
      expect({ name, image: service.image }).toEqual({ name, image: builder.image });
  });

  it('runs wservice commands on compiled files of the image, each service with its own key', () => {
    for (const [name, service] of services) {
      const [command, ...rest] = service.command;
      expect({ name, command }).toEqual({ name, command: expect.stringMatching(/^(run|router)$/) });
      if (command !== 'run') continue;
      const files = rest.filter((a) => !a.startsWith('-'));
      for (const file of files) expect(existsSync(hostPath(image, file))).toBe(true);
      const keyVars = Object.keys(service.environment!).filter((k) => k.endsWith('_PRIVATE_KEY'));
      // One key per container, of the service its file holds (orders.service.js: orders).
      expect(keyVars).toEqual([`WSERVICE_${basename(files[0], '.service.js').toUpperCase()}_PRIVATE_KEY`]);
      expect(Object.keys(keys)).toContain(keyVars[0]);
      expect(() => interpolate(service.environment![keyVars[0]], {})).toThrow(/wservice keys/);
    }
    // Every key `wservice keys` wrote is given to a container.
    const given = services.flatMap(([, s]) => Object.keys(s.environment ?? {}));
    expect(given).toEqual(expect.arrayContaining(Object.keys(keys)));
  });

  it('points the services at the router service, on the port it listens on, once it is healthy', () => {
    const routerPort = flag(builder.command, '--port');
    expect(builder.ports).toContain(`${routerPort}:${routerPort}`);
    expect(flag(builder.command, '--host')).toBe('0.0.0.0');
    for (const [name, service] of services) {
      if (service === builder) continue;
      const url = new URL(service.environment!.WSERVICE_ROUTER);
      expect({ name, host: url.hostname, port: url.port }).toEqual({
        name,
        host: builderName,
        port: routerPort,
      });
      expect(service.depends_on).toEqual({ [builderName]: { condition: 'service_healthy' } });
    }
  });

  it("mounts the router.yaml `wservice keys` wrote where the router's --config reads it, and exposes the metrics ports", () => {
    const config = posix.resolve(image.workdir, flag(builder.command, '--config')!);
    const [source, target] = builder.volumes![0].split(':');
    expect(target).toBe(config);
    expect(existsSync(resolve(context, 'deploy', source))).toBe(true);
    const routerYaml = parse(readFileSync(resolve(context, 'deploy', source), 'utf8')) as {
      realms: { name: string }[];
    };
    for (const [name, service] of services) {
      expect({ name, expose: service.expose }).toEqual({ name, expose: [image.env.WSERVICE_METRICS_PORT] });
      if (service !== builder)
        expect(routerYaml.realms.map((r) => r.name)).toContain(service.environment!.WSERVICE_REALM);
    }
  });
});

describe('the deployment, run as compose.yaml says', () => {
  /** A compose service's container: the image's entrypoint with its command, environment and volumes. */
  function startContainer(service: ComposeService, routerUrl?: string): Running {
    for (const volume of service.volumes ?? []) {
      const [source, target] = volume.split(':');
      cpSync(resolve(context, 'deploy', source), hostPath(image, target));
    }
    const env: Record<string, string> = {
      ...image.env,
      ...Object.fromEntries(
        Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(v, keys)]),
      ),
      // One machine: free ports, loopback, the router where it really listens.
      WSERVICE_METRICS_PORT: '0',
      WSERVICE_METRICS_HOST: '127.0.0.1',
    };
    if (env.WSERVICE_ROUTER !== undefined) env.WSERVICE_ROUTER = routerUrl!;
    const args = service.command.map((a, i) =>
      a === '0.0.0.0' ? '127.0.0.1' : service.command[i - 1] === '--port' ? '0' : a,
    );
    return startProgram(hostPath(image, image.entrypoint![0]), [...args], { cwd: app, env });
  }

  const metricsUrl = (running: Running) => /metrics (http:\/\/\S+)\/metrics/.exec(running.stdout())![1];

  async function healthcheck(url: string): Promise<number | null> {
    const [command, ...args] = image.healthcheck!;
    const { code } = await runProgram(command === 'node' ? process.execPath : command, args, {
      cwd: app,
      env: { ...image.env, WSERVICE_METRICS_PORT: new URL(url).port },
    });
    return code;
  }

  it('serves the shop: a call through every service, the pool handler once over two replicas, all ready, drained on SIGTERM', async () => {
    const router = startContainer(builder);
    await router.waitFor('stdout', 'Ctrl-C to stop');
    const routerUrl = /(ws:\/\/127\.0\.0\.1:\d+\/ws)/.exec(router.stdout())![1];
    expect(await healthcheck(metricsUrl(router))).toBe(0); // depends_on: service_healthy

    const containers: Running[] = [];
    for (const [, service] of services) {
      if (service === builder) continue;
      for (let i = 0; i < (service.deploy?.replicas ?? 1); i++)
        containers.push(startContainer(service, routerUrl));
    }
    expect(containers).toHaveLength(5);
    await Promise.all(containers.map((c) => c.waitFor('stdout', 'Ctrl-C to stop')));
    for (const running of [router, ...containers]) {
      const ready = await fetch(`${metricsUrl(running)}/readyz`);
      expect({ status: ready.status, body: await ready.json() }).toEqual({
        status: 200,
        body: { status: 'ready', reasons: [] },
      });
      expect(await healthcheck(metricsUrl(running))).toBe(0);
    }

    const bin = join(app, 'node_modules/.bin/wservice');
    const connection = [
      '--router',
      routerUrl,
      '--realm',
      compose.services.orders.environment!.WSERVICE_REALM,
    ];
    const placed = await runProgram(bin, ['call', 'orders.place', 'apple', '2', '--json', ...connection], {
      cwd: app,
    });
    expect(placed).toMatchObject({ code: 0 });
    const order = (JSON.parse(placed.stdout) as { args: [{ id: string; sku: string; total: number }] })
      .args[0];
    expect(order).toMatchObject({ sku: 'apple', total: 4 });
    // The confirmation comes from one of the two notifications instances (roundrobin outbox).
    let outboxes: string[] = [];
    for (let attempt = 0; attempt < 50; attempt++) {
      outboxes = [];
      for (let i = 0; i < 2; i++) {
        const outbox = await runProgram(bin, ['call', 'notifications.outbox', '--json', ...connection], {
          cwd: app,
        });
        outboxes.push(...(JSON.parse(outbox.stdout) as { args: [string[]] }).args[0]);
      }
      if (outboxes.length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(outboxes).toEqual([expect.stringContaining(`Order ${order.id}: 2 x apple`)]);
    const scrape = await (await fetch(`${metricsUrl(containers[0])}/metrics`)).text();
    expect(scrape).toContain('wservice_calls_total{service="orders",procedure="orders.place"} 1');

    // docker stop: SIGTERM to each container, which drains and exits 0; the router last.
    const stopped = containers.map((c) => {
      c.child.kill('SIGTERM');
      return c.exited;
    });
    expect(await Promise.all(stopped)).toEqual([0, 0, 0, 0, 0]);
    const routerMetrics = metricsUrl(router);
    router.child.kill('SIGTERM');
    expect(await router.exited).toBe(0);
    expect(await healthcheck(routerMetrics)).toBe(1);
  }, 120_000);
});
