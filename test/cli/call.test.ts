import { createServer } from 'node:net';
import { runCli } from './helpers/cli';
import { useDemoSystem } from './helpers/demo-system';

/** `wservice call` in a child process against services on a real router. */

const demo = useDemoSystem();

const call = (...args: string[]) => runCli(['call', ...args, ...demo.router]);

describe('wservice call', () => {
  it('prints a string result as it is and exits 0', async () => {
    expect(await call('demo.hello', 'Ada')).toEqual({ code: 0, stdout: 'Hello Ada\n', stderr: '' });
  });

  it('parses arguments as JSON when they parse, else takes them as strings', async () => {
    const { stdout, code } = await call(
      'demo.echo',
      '42',
      'true',
      'null',
      'Ada',
      '"42"',
      '{"a":1}',
      '[1,"x"]',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([42, true, null, 'Ada', '42', { a: 1 }, [1, 'x']]);
  });

  it('passes --kwargs by name', async () => {
    const { stdout } = await call('demo.hello', 'Ada', '--kwargs', '{"greeting":"Hi"}');
    expect(stdout).toBe('Hi Ada\n');
  });

  it('prints several results as { args, kwargs }, pretty', async () => {
    const { stdout } = await call('demo.pair');
    expect(stdout).toBe(`${JSON.stringify({ args: [1, 2], kwargs: { total: 3 } }, null, 2)}\n`);
  });

  it('--json prints one JSON document with args and kwargs', async () => {
    expect((await call('demo.hello', 'Ada', '--json')).stdout).toBe('{"args":["Hello Ada"],"kwargs":{}}\n');
    expect(JSON.parse((await call('demo.pair', '--json')).stdout)).toEqual({
      args: [1, 2],
      kwargs: { total: 3 },
    });
  });

  it('reports a remote error as "error: <uri>: <message>" on stderr, exit 1', async () => {
    expect(await call('demo.refuse')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: demo.error.refused: not today\n',
    });
    const missing = await call('demo.missing');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: wamp\.error\.no_such_procedure: .*demo\.missing.*\n$/);
  });

  it('--json reports a remote error as { error, args, kwargs } on stdout, exit 1', async () => {
    const { code, stdout, stderr } = await call('demo.refuse', '--json');
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toEqual({
      error: 'demo.error.refused',
      args: ['not today'],
      kwargs: { reason: 'closed' },
    });
  });

  it('--progress prints each progressive result as it comes, then the final one', async () => {
    expect((await call('demo.count', '3', '--progress')).stdout).toBe('1\n2\n3\ndone\n');
    expect((await call('demo.count', '3')).stdout).toBe('done\n');
    const lines = (await call('demo.count', '2', '--progress', '--json')).stdout.trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { progress: true, args: [1], kwargs: {} },
      { progress: true, args: [2], kwargs: {} },
      { args: ['done'], kwargs: {} },
    ]);
  });

  it('--timeout fails a slow call with wamp.error.timeout', async () => {
    const { code, stderr } = await call('demo.slow', '2000', '--timeout', '100');
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: wamp\.error\.timeout\b.*\n$/);
  });

  it('reads the router and realm from WSERVICE_ROUTER / WSERVICE_REALM', async () => {
    const result = await runCli(['call', 'demo.hello', 'Env'], {
      env: { WSERVICE_ROUTER: demo.system.url, WSERVICE_REALM: demo.system.realm },
    });
    expect(result).toEqual({ code: 0, stdout: 'Hello Env\n', stderr: '' });
  });

  it('says in one line when the router cannot be reached, exit 1', async () => {
    const url = `ws://127.0.0.1:${await closedPort()}/ws`;
    const { code, stdout, stderr } = await runCli(['call', 'demo.hello', 'Ada', '--router', url]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(new RegExp(`^error: cannot join realm realm1 on ${url}: .+\\n$`));
  });

  it('refuses --kwargs that is not a JSON object, in one line', async () => {
    const { code, stderr } = await call('demo.hello', '--kwargs', '[1]');
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^error: option '--kwargs <json>' argument '\[1\]' is invalid\. must be a JSON object.*\n$/,
    );
  });

  it('documents the argument rule and examples in --help', async () => {
    const { code, stdout } = await runCli(['call', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--router <url>');
    expect(stdout).toContain('--kwargs <json>');
    expect(stdout).toContain('quote it twice: \'"42"\'');
    expect(stdout).toContain('$ wservice call greeter.hello Ada');
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as { port: number };
  await new Promise((closed) => server.close(closed));
  return port;
}
