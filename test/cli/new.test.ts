import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, killStarted, ROOT, runCli, runProgram, startProgram } from './helpers/cli';

/**
 * `wservice new` as a user meets it: this repository packed with `npm pack` (what the
 * registry would serve), a project created from it in a temp folder and installed (one
 * `npm install` from the registry, shared by the tests below), then the project's own
 * `npm test` and `npm start` command. Needs `npm run build` first.
 */

const INSTALL_TIMEOUT = 10 * 60_000;
const PROJECT_TIMEOUT = 3 * 60_000;

let work: string;
beforeAll(() => {
  assertBuilt();
  work = mkdtempSync(join(tmpdir(), 'wservice-new-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(killStarted);

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const readJson = (file: string) =>
  JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;

describe('wservice new <name>, installed against the packed wservice', () => {
  let project: string;
  let tarball: string;
  let created: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    // Built already (assertBuilt): the prepack build is not run again.
    const pack = await runProgram('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
      cwd: ROOT,
    });
    expect(pack.code).toBe(0);
    tarball = join(work, (JSON.parse(pack.stdout) as { filename: string }[])[0].filename);
    created = await runCli(['new', 'demo-shop', '--wservice-path', tarball], { cwd: work });
    project = join(work, 'demo-shop');
  }, INSTALL_TIMEOUT);

  it('writes the project, installs it behind a progress line and shows the next steps', () => {
    expect(created.stderr).toContain('installing dependencies in demo-shop (npm install)...\n');
    expect(created.stderr).toMatch(/✔ installing dependencies in demo-shop \(npm install\) \(\d+\.\ds\)\n/);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('created demo-shop in demo-shop/\n');
    for (const file of ['package.json', 'tsconfig.json', 'jest.config.js', 'README.md', '.gitignore'])
      expect(created.stdout).toContain(`  ${file}\n`);
    expect(created.stdout).toMatch(
      /Next steps:\n {2}cd demo-shop\s*\n {2}npm test +type-check and run the tests\n/,
    );
    expect(existsSync(join(project, 'node_modules/wservice/dist/src/index.js'))).toBe(true);
  });

  it('depends on the packed wservice through a file: link, and needs no install script', async () => {
    const pkg = readJson(join(project, 'package.json'));
    expect(pkg.name).toBe('demo-shop');
    expect(pkg.dependencies).toEqual({ wservice: `file:${tarball}` });
    expect(pkg.scripts.start).toBe('wservice run src/services');
    const scripts = await runProgram('npm', ['install-scripts', 'ls'], { cwd: project });
    expect(scripts.code).toBe(0);
    expect(`${scripts.stdout}${scripts.stderr}`).not.toMatch(/not yet covered/);
  });

  it(
    'passes its own npm test (tsc strict, then jest with runServices and workerFactory)',
    async () => {
      const test = await runProgram('npm', ['test'], { cwd: project });
      expect(`${test.stdout}${test.stderr}`).toMatch(/Tests: +4 passed, 4 total/);
      expect(test.code).toBe(0);
    },
    PROJECT_TIMEOUT,
  );

  it(
    'serves its services with the npm start command, reachable by wservice call',
    async () => {
      // What `npm start` runs, on a free port, through the project's own installed bin.
      const bin = join(project, 'node_modules/.bin/wservice');
      const services = startProgram(bin, ['run', 'src/services', '--port', '0'], { cwd: project });
      await services.waitFor('stdout', 'Ctrl-C to stop');
      const url = /1 service on (ws:\/\/\S+)/.exec(services.stdout())![1];
      expect(services.stdout()).toMatch(/greeter +rpc +greeter\.hello\(name: string\)\n/);
      const wservice = (...args: string[]) => runProgram(bin, [...args, '--router', url], { cwd: project });
      expect(await wservice('call', 'greeter.hello', 'Ada')).toMatchObject({
        code: 0,
        stdout: 'Hello, Ada!\n',
      });
      expect(await wservice('publish', 'users.joined', '{"name":"Grace"}')).toMatchObject({ code: 0 });
      expect(JSON.parse((await wservice('call', 'greeter.welcomed')).stdout)).toEqual(['Grace']);
      services.child.kill('SIGINT');
      expect(await services.exited).toBe(0);
    },
    PROJECT_TIMEOUT,
  );

  it(
    'gives the service its key and a router.yaml: on that standalone router only the service may register its URIs',
    async () => {
      expect(created.stdout).toContain('  created credentials/greeter.key\n  wrote router.yaml\n');
      expect(readFileSync(join(project, '.gitignore'), 'utf8')).toContain('credentials/\n');
      const pkg = readJson(join(project, 'package.json'));
      expect(pkg.scripts.router).toBe('wservice router --config router.yaml');
      expect(pkg.scripts['start:router']).toBe('wservice run src/services --router ws://127.0.0.1:8080/ws');
      // What `npm run router` and `npm run start:router` run, on a free port.
      const bin = join(project, 'node_modules/.bin/wservice');
      const router = startProgram(bin, ['router', '--config', 'router.yaml', '--port', '0'], {
        cwd: project,
      });
      await router.waitFor('stdout', /ws:\/\/127\.0\.0\.1:\d+\/ws/);
      const url = /ws:\/\/127\.0\.0\.1:\d+\/ws/.exec(router.stdout())![0];
      const services = startProgram(bin, ['run', 'src/services', '--router', url], { cwd: project });
      await services.waitFor('stdout', 'Ctrl-C to stop');
      const wservice = (...args: string[]) => runProgram(bin, [...args, '--router', url], { cwd: project });
      expect(await wservice('call', 'greeter.hello', 'Ada')).toMatchObject({
        code: 0,
        stdout: 'Hello, Ada!\n',
      });
      // Without the key, a second copy of the service is anonymous and may not join greeter.hello.
      const keyless = await runProgram(bin, ['run', join(project, 'src/services'), '--router', url], {
        cwd: join(project, 'src'),
      });
      expect(keyless.code).toBe(1);
      expect(keyless.stderr).toContain('not_authorized');
      services.child.kill('SIGINT');
      expect(await services.exited).toBe(0);
    },
    PROJECT_TIMEOUT,
  );

  it(
    'adds a service and its test with "new service", and npm test runs them too',
    async () => {
      const added = await runCli(['new', 'service', 'user-accounts'], { cwd: join(project, 'src') });
      expect(added).toMatchObject({ code: 0, stderr: '' });
      expect(added.stdout).toContain('created src/services/user-accounts.service.ts\n');
      expect(added.stdout).toContain('created test/user-accounts.service.test.ts\n');
      expect(readFileSync(join(project, 'src/services/user-accounts.service.ts'), 'utf8')).toContain(
        `@Service('user-accounts')\nexport class UserAccountsService {`,
      );
      const test = await runProgram('npm', ['test'], { cwd: project });
      expect(`${test.stdout}${test.stderr}`).toMatch(/Tests: +6 passed, 6 total/);
      expect(test.code).toBe(0);

      const again = await runCli(['new', 'service', 'user-accounts'], { cwd: project });
      expect(again).toEqual({
        code: 1,
        stdout: '',
        stderr: 'error: src/services/user-accounts.service.ts already exists; nothing was written\n',
      });
    },
    PROJECT_TIMEOUT,
  );
});

/**
 * A registry on 127.0.0.1 that npm asks in `wservice new`: it holds wservice at `published`
 * (a packument with that one version), or answers 404 to everything when `published` is unset.
 */
class FakeRegistry {
  published: string | undefined;
  readonly asked: string[] = [];
  private readonly server: Server = createServer((req, res) => {
    this.asked.push(req.url ?? '');
    if (this.published === undefined || req.url !== '/wservice') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
      return;
    }
    const v = this.published;
    const tarball = `${this.url}/wservice/-/wservice-${v}.tgz`;
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        name: 'wservice',
        'dist-tags': { latest: v },
        versions: { [v]: { name: 'wservice', version: v, dist: { tarball } } },
      }),
    );
  });

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('wservice new without installing', () => {
  const registry = new FakeRegistry();
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    await registry.start();
    env = { npm_config_registry: `${registry.url}/`, npm_config_cache: join(work, 'npm-cache') };
  });
  afterAll(() => registry.stop());
  beforeEach(() => {
    registry.published = version;
  });

  it('--skip-install writes a project depending on ^<this version>, and says to install', async () => {
    const result = await runCli(['new', '@acme/billing', '--skip-install'], { cwd: work, env });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(registry.asked).toContain('/wservice');
    const pkg = readJson(join(work, 'billing/package.json'));
    expect(pkg.name).toBe('@acme/billing');
    expect(pkg.dependencies).toEqual({ wservice: `^${version}` });
    expect(existsSync(join(work, 'billing/node_modules'))).toBe(false);
    expect(result.stdout).toMatch(/cd billing\s*\n {2}npm install\s*\n/);
    expect(readFileSync(join(work, 'billing/README.md'), 'utf8')).toMatch(/^# @acme\/billing\n/);
  });

  it('links the running wservice when the registry has no such version, and says so', async () => {
    registry.published = undefined;
    const result = await runCli(['new', 'unpublished', '--skip-install'], { cwd: work, env });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `note: wservice ^${version} is not on the npm registry: the project links the wservice running ` +
        `this command (file:${ROOT}); pass --wservice-path to link another\n`,
    );
    expect(readJson(join(work, 'unpublished/package.json')).dependencies).toEqual({
      wservice: `file:${ROOT}`,
    });
    // Only an older major on the registry: no version in range, the same link.
    registry.published = '0.0.1';
    const older = await runCli(['new', 'older', '--skip-install'], { cwd: work, env });
    expect(older.stderr).toContain('is not on the npm registry');
    expect(readJson(join(work, 'older/package.json')).dependencies).toEqual({ wservice: `file:${ROOT}` });
  });

  it('keeps ^<this version> when the registry cannot be reached', async () => {
    const result = await runCli(['new', 'offline', '--skip-install'], {
      cwd: work,
      env: { ...env, npm_config_registry: 'http://127.0.0.1:1/', npm_config_fetch_retries: '0' },
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(readJson(join(work, 'offline/package.json')).dependencies).toEqual({ wservice: `^${version}` });
  });

  it('takes the local wservice from WSERVICE_PATH too', async () => {
    const result = await runCli(['new', 'from-env', '--skip-install'], {
      cwd: work,
      env: { WSERVICE_PATH: ROOT },
    });
    expect(result.code).toBe(0);
    expect(readJson(join(work, 'from-env/package.json')).dependencies).toEqual({ wservice: `file:${ROOT}` });
  });

  it('refuses an existing folder that is not empty, writing nothing', async () => {
    mkdirSync(join(work, 'taken'));
    writeFileSync(join(work, 'taken/notes.txt'), 'mine');
    expect(await runCli(['new', 'taken'], { cwd: work })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: folder taken already exists and is not empty; choose another name\n',
    });
    expect(existsSync(join(work, 'taken/package.json'))).toBe(false);
  });

  it('refuses a name npm would refuse', async () => {
    const result = await runCli(['new', 'My Project'], { cwd: work });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: invalid project name "My Project": it must be a valid npm package name.*\n$/,
    );
    expect(existsSync(join(work, 'My Project'))).toBe(false);
  });

  it('refuses a --wservice-path that does not exist', async () => {
    const result = await runCli(['new', 'nowhere', '--wservice-path', './missing.tgz'], { cwd: work });
    expect(result).toMatchObject({
      code: 1,
      stderr: 'error: --wservice-path ./missing.tgz: no such file or folder\n',
    });
  });

  it('"new service" refuses to run outside a project, and refuses a bad service name', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'wservice-not-a-project-'));
    try {
      const result = await runCli(['new', 'service', 'billing'], { cwd: outside });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error: no wservice project here: .*\n$/);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
    const bad = await runCli(['new', 'service', 'Billing'], { cwd: join(work, 'billing') });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: invalid service name "Billing": .*\n$/);
  });

  it('has --help with examples, for new and new service', async () => {
    expect((await runCli(['new', '--help'])).stdout).toContain('$ wservice new shop');
    expect((await runCli(['new', 'service', '--help'])).stdout).toContain('$ wservice new service billing');
  });
});
