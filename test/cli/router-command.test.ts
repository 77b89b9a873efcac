import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WebSocket } from 'ws';
import { connect as connectClient, type Client } from '../../src/client/connect';
import type { SessionCloseInfo } from '../../src/client';
import { connect as connectAutobahn, ConnectFailed } from '../router/helpers/autobahn';
import { PERMISSIVE_LINE } from '../../cli/router-options';

/**
 * `wservice router` as users run it: `node bin/wservice.js router ...` in a child process (the
 * compiled CLI: run `npm run build` first), reached over real sockets by autobahn-js and by
 * our own client.
 */

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin/wservice.js');

/** A running `wservice router` and what it printed. */
interface RunningRouter {
  child: ChildProcess;
  stdout: string;
  stderr: () => string;
  /** The URLs of the start-up banner, in listener order. */
  urls: string[];
  /** Resolves with the exit code once the process ends. */
  exited: Promise<number | null>;
}

const running: ChildProcess[] = [];
let dir: string;

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) {
    throw new Error('dist/cli/main.js is missing: run `npm run build` before the CLI tests');
  }
  dir = mkdtempSync(join(tmpdir(), 'wservice-router-cli-'));
});

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1', WSERVICE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  return child;
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolveExit) => {
    if (child.exitCode !== null) resolveExit(child.exitCode);
    else child.once('exit', (code) => resolveExit(code));
  });
}

/** Starts `wservice router <args>` and waits for its banner. */
async function startRouter(args: string[], env?: NodeJS.ProcessEnv): Promise<RunningRouter> {
  const child = spawnCli(['router', ...args], env);
  const exited = exitOf(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((ready, fail) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('Ctrl-C to stop')) ready();
    });
    void exited.then((code) => fail(new Error(`wservice router exited ${code}: ${stderr}`)));
  });
  const urls = [...stdout.matchAll(/^ {2}((?:ws|wss|rs|rss):\/\/\S+)$/gm)].map((m) => m[1]);
  return { child, stdout, stderr: () => stderr, urls, exited };
}

/** Runs `wservice <args>` to its end. */
async function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnCli(args);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await exitOf(child);
  return { code, stdout, stderr };
}

function writeConfig(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function ourClient(url: string, realm = 'realm1'): Promise<Client> {
  return connectClient({ url, realm, reconnect: false });
}

function portOf(url: string): number {
  return Number(new URL(url.replace(/^rs:/, 'http:')).port);
}

describe('wservice router', () => {
  it('listens on a free port, prints its real URL and realm, serves autobahn-js and our client, and drains on SIGTERM', async () => {
    const router = await startRouter(['--port', '0']);
    expect(router.urls).toHaveLength(1);
    expect(router.urls[0]).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
    expect(portOf(router.urls[0])).toBeGreaterThan(0);
    expect(router.stdout).toMatch(/^wservice router realm realm1$/m);
    expect(router.stdout).not.toContain('permissive');

    const service = await ourClient(router.urls[0]);
    await service.register('com.example.add', (args) => (args[0] as number) + (args[1] as number));
    const browser = await connectAutobahn({
      transport: 'websocket',
      url: router.urls[0],
      serializer: 'json',
    });
    expect(await browser.session.call('com.example.add', [2, 3])).toBe(5);

    const autobahnClosed = new Promise<unknown>((closed) => {
      browser.connection.onclose = (_reason, details) => {
        closed(details);
        return true;
      };
    });
    const serviceLeft = new Promise<SessionCloseInfo>((left) => service.connection.once('leave', left));
    router.child.kill('SIGTERM');
    // Every session was told GOODBYE system_shutdown, and the process ended well.
    expect(await autobahnClosed).toMatchObject({ reason: 'wamp.close.system_shutdown' });
    expect(await serviceLeft).toMatchObject({ reason: 'wamp.close.system_shutdown', by: 'router' });
    expect(await router.exited).toBe(0);
    expect(router.stderr()).toContain('SIGTERM: stopping gracefully');
    await service.close();
  });

  it('adds a RawSocket listener with --rawsocket-port, and takes --host, --path and --realm', async () => {
    const router = await startRouter([
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--path',
      '/wamp',
      '--rawsocket-port',
      '0',
      '--realm',
      'com.example.prod',
    ]);
    expect(router.urls).toEqual([
      expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/wamp$/),
      expect.stringMatching(/^rs:\/\/127\.0\.0\.1:\d+$/),
    ]);
    expect(router.stdout).toMatch(/^wservice router realm com\.example\.prod$/m);

    const overRawSocket = await ourClient(router.urls[1], 'com.example.prod');
    await overRawSocket.register('com.example.echo', (args) => args[0]);
    const rawSocketAutobahn = await connectAutobahn(
      { transport: 'rawsocket', host: '127.0.0.1', port: portOf(router.urls[1]) },
      { realm: 'com.example.prod' },
    );
    expect(await rawSocketAutobahn.session.call('com.example.echo', ['via rs'])).toBe('via rs');
    // Only the named realm is served.
    await expect(
      connectAutobahn(
        { transport: 'websocket', url: router.urls[0], serializer: 'msgpack' },
        { realm: 'realm1' },
      ),
    ).rejects.toMatchObject({ details: { reason: 'wamp.error.no_such_realm' } });
    await rawSocketAutobahn.close();
    await overRawSocket.close();
    router.child.kill('SIGINT');
    expect(await router.exited).toBe(0);
  });

  it('reads the router options from --config, with flags winning over the file', async () => {
    const config = writeConfig(
      'router.yaml',
      `# a shop realm with ticket authentication
listeners:
  - type: websocket
    port: 1          # overridden by --port 0
realms:
  - name: shop
    roles:
      - name: backend
        permissions:
          - { uri: 'shop.', match: prefix, allow: { call: true, register: true } }
auth:
  ticket:
    principals:
      orders: { ticket: s3cret, role: backend }
limits:
  shutdownTimeout: 500
`,
    );
    const router = await startRouter(['--config', config, '--port', '0']);
    expect(router.stdout).toMatch(/^wservice router realm shop$/m);
    const url = router.urls[0];
    const options = { realm: 'shop', authmethods: ['ticket'], authid: 'orders', onchallenge: () => 's3cret' };
    const backend = await connectAutobahn({ transport: 'websocket', url, serializer: 'cbor' }, options);
    await backend.session.register('shop.price', () => 42);
    expect(await backend.session.call('shop.price')).toBe(42);
    // The roles of the file apply: the backend may not publish.
    await expect(backend.session.publish('shop.news', [], {}, { acknowledge: true })).rejects.toMatchObject({
      error: 'wamp.error.not_authorized',
    });
    const anonymous = connectAutobahn({ transport: 'websocket', url, serializer: 'json' }, { realm: 'shop' });
    await expect(anonymous).rejects.toBeInstanceOf(ConnectFailed);
    await backend.close();
    router.child.kill('SIGTERM');
    expect(await router.exited).toBe(0);
  });

  it('applies the default rules, and says permissive when the file asks for it', async () => {
    for (const permissive of [false, true]) {
      const config = writeConfig(`permissive-${permissive}.yaml`, `permissive: ${permissive}\n`);
      const router = await startRouter(['--config', config, '--port', '0']);
      expect(router.stdout.includes(PERMISSIVE_LINE)).toBe(permissive);
      const client = await ourClient(router.urls[0]);
      const list = client.call('wamp.session.list');
      if (permissive) await expect(list).resolves.toEqual([expect.any(Number)]);
      else await expect(list).rejects.toMatchObject({ uri: 'wamp.error.not_authorized' });
      await client.close();
      router.child.kill('SIGTERM');
      expect(await router.exited).toBe(0);
    }
  });

  it('stops at once on a second signal while it waits for GOODBYE replies', async () => {
    const config = writeConfig('patient.yaml', 'limits:\n  shutdownTimeout: 60000\n');
    const router = await startRouter(['--config', config, '--port', '0']);
    // A peer that joins, then never answers the router's GOODBYE.
    const mute = new WebSocket(router.urls[0], ['wamp.2.json']);
    const welcomed = new Promise((resolveWelcome) => mute.once('message', resolveWelcome));
    await new Promise((resolveOpen) => mute.once('open', resolveOpen));
    mute.send(JSON.stringify([1, 'realm1', { roles: { caller: {} } }]));
    await welcomed;
    const goodbye = new Promise((resolveGoodbye) => mute.once('message', resolveGoodbye));
    router.child.kill('SIGTERM');
    expect(JSON.parse(String(await goodbye))).toEqual([
      6,
      { message: 'the router is shutting down' },
      'wamp.close.system_shutdown',
    ]);
    router.child.kill('SIGTERM');
    expect(await router.exited).toBe(1);
    expect(router.stderr()).toContain('SIGTERM again: stopping now');
    mute.terminate();
  });

  describe('ends with one line on stderr and exit code 1 when the user got something wrong', () => {
    let taken: Server;
    let takenPort: number;

    beforeAll(async () => {
      taken = createServer();
      await new Promise<void>((listening) => taken.listen(0, '127.0.0.1', listening));
      takenPort = (taken.address() as { port: number }).port;
    });

    afterAll(async () => {
      await new Promise((closed) => taken.close(closed));
    });

    it.each([
      [
        'a port in use',
        () => ['router', '--port', String(takenPort)],
        /^error: cannot listen on ws:\/\/127\.0\.0\.1:\d+\/ws: .*EADDRINUSE/,
      ],
      [
        'an option the file gets wrong, naming file, line and key',
        () => [
          'router',
          '--config',
          writeConfig(
            'wrong.yaml',
            'listeners:\n  - type: websocket\n    port: 0\nlimits:\n  maxSessions: 0\n',
          ),
        ],
        /^error: \S+wrong\.yaml:5: limits\.maxSessions: must be an integer >= 1$/,
      ],
      [
        'an unknown key in the file',
        () => ['router', '--config', writeConfig('typo.yaml', 'realms:\n  - name: shop\n    roels: []\n')],
        /^error: \S+typo\.yaml:3: realms\[0\]\.roels: unknown option \(expected one of: name, roles, auth, authorizer\)$/,
      ],
      [
        'a file that is no YAML',
        () => ['router', '--config', writeConfig('broken.yaml', 'limits: {maxSessions: 3\n')],
        /^error: \S+broken\.yaml:\d+: /,
      ],
      [
        'a file that cannot be read (a directory)',
        () => ['router', '--config', dir],
        /^error: cannot read \S+: it is a directory$/,
      ],
      [
        'a file that does not exist',
        () => ['router', '--config', 'missing.yaml'],
        /^error: cannot read \S+missing\.yaml: no such file$/,
      ],
      [
        'a bad port flag',
        () => ['router', '--port', 'http'],
        /^error: option '--port <port>' argument 'http' is invalid/,
      ],
      [
        'a bad realm flag',
        () => ['router', '--realm', 'not a uri'],
        /^error: option '--realm <realm>' argument/,
      ],
      [
        'an unknown flag, with a suggestion',
        () => ['router', '--prot', '80'],
        /^error: unknown option '--prot' \(Did you mean --port\?\)$/,
      ],
    ])('%s', async (_what, args, line) => {
      const { code, stdout, stderr } = await runCli(args());
      expect(code).toBe(1);
      expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(line)]);
      expect(stdout).not.toContain('Ctrl-C to stop');
    });
  });

  it('explains itself with --help, examples included', async () => {
    const { code, stdout } = await runCli(['router', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: wservice router [options]');
    expect(stdout).toContain('--rawsocket-port <port>');
    expect(stdout).toMatch(/Examples:\n {2}\$ wservice router/);
  });
});
