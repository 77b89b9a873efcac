import { until } from '../helpers/until';
import autobahn from 'autobahn';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type Client } from '../../src';
import { startFox } from '../client/fox-router';

const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'wservice.js');

interface Running {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function start(args: string[]): Running {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

function openAutobahn(url: string): Promise<{ session: autobahn.Session; connection: autobahn.Connection }> {
  const connection = new autobahn.Connection({
    url,
    realm: 'realm1',
    max_retries: 0,
  } as autobahn.IConnectionOptions);
  return new Promise((resolve, reject) => {
    connection.onopen = (session) => resolve({ session, connection });
    connection.onclose = (reason) => {
      reject(new Error(`autobahn: ${reason}`));
      return true;
    };
    connection.open();
  });
}

describe('wservice run', () => {
  it('runs the shop, serves autobahn-js, and drains in-flight calls on SIGTERM, exiting 0', async () => {
    const run = start(['run', 'examples/shop/services', '--port', '0', '--log-level', 'warn']);
    try {
      await until(() => /Ctrl-C to stop/.test(run.stdout()), {
        what: 'the start-up summary',
        timeout: 20_000,
      });
      const out = run.stdout();
      expect(out).toMatch(/4 services on ws:\/\/127\.0\.0\.1:\d+\/ws \(realm realm1, embedded router\)/);
      expect(out).toMatch(/orders\s+rpc\s+orders\.place\(sku: string, quantity\?: number\)/);
      expect(out).toMatch(/subscribe\s+orders\.placed\(order: Order\) \(pool\)/);
      const url = /on (ws:\/\/\S+)/.exec(out)![1];

      // The shop's own autobahn-js client script runs against it.
      expect(await runShopClient(url)).toEqual(SHOP_CLIENT_LINES);

      const { session, connection } = await openAutobahn(url);
      const order = (await session.call('orders.place', [], { sku: 'apple', quantity: 2 })) as {
        id: string;
        total: number;
      };
      expect(order.total).toBe(4);
      // orders.track takes ~150 ms: stop while it runs; it must still complete.
      const tracking = session.call('orders.track', [order.id]);
      await new Promise((r) => setTimeout(r, 30));
      run.child.kill('SIGTERM');
      expect(await tracking).toBe('delivered');
      expect(await run.exited).toBe(0);
      expect(run.stderr()).toMatch(/SIGTERM: stopping gracefully/);
      expect(run.stderr()).toMatch(/stopped/);
      // The router said GOODBYE to every session on its way out.
      expect(connection.isOpen).toBe(false);
    } finally {
      run.child.kill('SIGKILL');
    }
  }, 60_000);

  it('runs the shop on fox-wamp, a Basic-Profile router, and says what that router lacks', async () => {
    const fox = await startFox();
    const run = start(['run', 'examples/shop/services', '--router', fox.url, '--log-level', 'error']);
    try {
      await until(() => /Ctrl-C to stop/.test(run.stdout()), {
        what: 'the start-up summary',
        timeout: 20_000,
      });
      const out = run.stdout();
      expect(out).toContain(`4 services on ${fox.url} (realm realm1, external router)`);
      expect(out).toMatch(/orders\s+rpc\s+orders\.place\([^)]*\) \(single\)/);
      expect(out).toMatch(/subscribe\s+orders\.placed\([^)]*\) \(pool as broadcast\)/);
      expect(out).toContain('The router lacks:');
      expect(out).toMatch(/ {2}shared_registration: procedures are registered single/);
      expect(out).toMatch(/ {2}registration_meta_api: delivery 'pool'.* every instance gets every event/);
      // fox-wamp wraps callee errors and spreads a list result over Arguments, so the
      // autobahn-js script's lines differ there; a wservice client places an order instead.
      const client = await connect({ url: fox.url, reconnect: false });
      expect(await client.call('orders.place', ['apple', 2])).toMatchObject({ id: 'order-1', total: 4 });
      expect(await client.call('inventory.available', ['apple'])).toBe(8);
      // fox-wamp spreads a list result over Arguments: a one-item outbox arrives as its item.
      await until(
        async () =>
          (await client.call('notifications.outbox')) === 'Order order-1: 2 x apple, paid 4 (PAY-1)',
        { what: 'the confirmation' },
      );
      await client.close();
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    } finally {
      run.child.kill('SIGKILL');
      await fox.stop();
    }
  }, 60_000);

  it('--watch restarts a service whose file changed, keeping the router', async () => {
    const dir = join(root, 'test', 'fixtures', `watch-${process.pid}`);
    const file = join(dir, 'version.service.ts');
    const source = (version: string) =>
      [
        "import { Rpc, Service } from 'wservice';",
        "@Service('version')",
        'export class VersionService {',
        '  @Rpc()',
        '  get(): string {',
        `    return '${version}';`,
        '  }',
        '}',
        '',
      ].join('\n');
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, source('v1'));
    const run = start(['run', dir, '--port', '0', '--watch', '--log-level', 'warn']);
    let client: Client | undefined;
    try {
      await until(() => /Ctrl-C to stop/.test(run.stdout()), {
        what: 'the start-up summary',
        timeout: 20_000,
      });
      expect(run.stdout()).toMatch(/watching for changes/);
      const url = /on (ws:\/\/\S+)/.exec(run.stdout())![1];
      client = await connect({ url, reconnect: false });
      expect(await client.call('version.get')).toBe('v1');
      writeFileSync(file, source('v2'));
      const deadline = Date.now() + 20_000;
      let answer: unknown;
      while (Date.now() < deadline) {
        answer = await client.call('version.get').catch(() => undefined);
        if (answer === 'v2') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      // The same client, on the same router, reaches the restarted service.
      expect(answer).toBe('v2');
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    } finally {
      await client?.close();
      run.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  async function failsWith(args: string[], line: RegExp): Promise<void> {
    const run = start(args);
    expect(await run.exited).toBe(1);
    const lines = run.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
    expect(run.stderr()).not.toMatch(/\n\s+at /); // no stack trace
  }

  it('says so in one line when no services are found', async () => {
    await failsWith(
      ['run', 'test/fixtures/run/empty'],
      /^error: no @Service classes found in test\/fixtures\/run\/empty/,
    );
  }, 30_000);

  it('refuses two classes with one name and two services with one procedure, across files', async () => {
    const run = start(['run', 'test/fixtures/contracts']);
    expect(await run.exited).toBe(1);
    const dir = join(root, 'test', 'fixtures', 'contracts');
    expect(run.stderr().trim().split('\n')).toEqual([
      `error: two service classes are named 'dup': DupA (${dir}/dup-a.ts) and DupB (${dir}/dup-b.ts) (rename one, or run one class with instances)`,
      `procedure shared.proc is claimed by two services: DupA.shared (${dir}/dup-a.ts) and Other.shared (${dir}/dup-b.ts)`,
    ]);
  }, 30_000);

  it('names the file and line of a file that does not compile', async () => {
    await failsWith(
      ['run', 'test/fixtures/run/broken'],
      /^error: test\/fixtures\/run\/broken\/broken\.fail\.ts: line \d+: /,
    );
  }, 30_000);

  it('says the router is unreachable', async () => {
    const closed = await freePort();
    await failsWith(
      ['run', 'examples/tour', '--router', `ws://127.0.0.1:${closed}/ws`],
      new RegExp(`^error: .*127\\.0\\.0\\.1:${closed}.*(refused|reach)`, 'i'),
    );
  }, 30_000);

  it('says the port is in use', async () => {
    const server = await listen();
    try {
      const port = (server.address() as { port: number }).port;
      await failsWith(
        ['run', 'examples/tour', '--port', String(port)],
        new RegExp(`^error: .*${port}.*in use`, 'i'),
      );
    } finally {
      server.close();
    }
  }, 30_000);
});

/** Every line examples/shop/clients/autobahn-client.js prints against a fresh shop. */
const SHOP_CLIENT_LINES = [
  'placed order-1: 2 x apple for 4 (PAY-1)',
  'placed order-2: 1 x pear for 3',
  '  order-1 is packed',
  '  order-1 is shipped',
  '  order-1 is out for delivery',
  '  order-1 is delivered',
  'refused: inventory.error.out_of_stock for fig',
  'notifications sent: 2; events seen here: 2',
];

/** Runs the shop's autobahn-js client against `url`; its stdout lines, once it exited 0. */
async function runShopClient(url: string): Promise<string[]> {
  const script = spawn(process.execPath, [
    join(root, 'examples', 'shop', 'clients', 'autobahn-client.js'),
    url,
  ]);
  let out = '';
  let err = '';
  script.stdout.on('data', (d: Buffer) => (out += d.toString()));
  script.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise((resolve) => script.on('exit', resolve));
  // autobahn-js logs its own closing to stderr; a failure of the script says `failed:` there.
  expect({ code, failed: /failed:|connection (?!closed)/.exec(err)?.input }).toEqual({
    code: 0,
    failed: undefined,
  });
  return out.trimEnd().split('\n');
}

function listen(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

async function freePort(): Promise<number> {
  const server = await listen();
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}
