import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestRouter, type TestRouter } from '../../src/testing';
import { until } from '../helpers/until';
import { assertBuilt, killStarted, runCli, startCli, type Running } from './helpers/cli';

/**
 * What `wservice run` and the client commands log, read from their real output (stdout is a
 * pipe here, as under a process manager). The fixture imports 'wservice', which resolves to
 * this package's build (a self-reference), as an installed wservice would.
 */

const FIXTURE = join(__dirname, 'fixtures/logging/faulty.service.ts');
const CRASH_LINE =
  readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes("new Error('kaboom')")) + 1;

interface JsonLine {
  level: number;
  msg: string;
  component?: string;
  uri?: string;
  outcome?: string;
  err?: { stack?: string };
}

beforeAll(assertBuilt);
afterEach(killStarted);

async function runFaulty(...flags: string[]): Promise<{ services: Running; router: string[] }> {
  const services = startCli(['run', FIXTURE, '--port', '0', ...flags]);
  await services.waitFor('stdout', 'Ctrl-C to stop');
  const url = /1 service on (ws:\/\/\S+)/.exec(services.stdout())![1];
  return { services, router: ['--router', url] };
}

const jsonLines = (text: string): JsonLine[] =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as JsonLine);

async function stop(services: Running): Promise<void> {
  services.child.kill('SIGINT');
  expect(await services.exited).toBe(0);
}

describe('wservice run logs', () => {
  it('writes JSON lines when stdout is not a terminal: an expected WampError at info with its URI and no stack', async () => {
    const { services, router } = await runFaulty();
    expect(await runCli(['call', 'faulty.reserve', ...router])).toMatchObject({
      code: 1,
      stderr: 'error: faulty.error.out_of_stock: none left\n',
    });
    await until(() => jsonLines(services.stdout()).some((l) => l.outcome !== undefined));
    await stop(services);
    // Nothing but the summary and JSON lines; no line for the client's session, the listener or the realm.
    const lines = jsonLines(services.stdout());
    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        component: 'service',
        uri: 'faulty.reserve',
        outcome: 'faulty.error.out_of_stock',
        msg: 'rpc faulty.reserve failed: faulty.error.out_of_stock: none left',
      }),
    ]);
    expect(lines[0].err).toBeUndefined();
  });

  it('logs an unexpected exception once, at error, with a stack naming the TypeScript line', async () => {
    const { services, router } = await runFaulty();
    expect((await runCli(['call', 'faulty.crash', ...router])).stderr).toBe(
      'error: wservice.error.application: kaboom\n',
    );
    await until(() => jsonLines(services.stdout()).some((l) => l.level === 50));
    await runCli(['call', 'faulty.relay', ...router]); // a later call: the crash was logged by then
    await stop(services);
    const lines = jsonLines(services.stdout());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, msg: 'rpc faulty.crash threw', outcome: 'exception' });
    expect(lines[0].err?.stack).toContain(`Error: kaboom\n    at crash (${FIXTURE}:${CRASH_LINE}:`);
  });

  it('--log-format pretty prints human lines; --log-level sets levels per component', async () => {
    const pretty = await runFaulty('--log-format', 'pretty');
    await runCli(['call', 'faulty.reserve', ...pretty.router]);
    await until(() => pretty.services.stdout().includes('failed: faulty.error.out_of_stock'));
    await stop(pretty.services);
    expect(jsonLines(pretty.services.stdout())).toEqual([]);
    expect(pretty.services.stdout()).toMatch(
      /^\[[\d:.]+\] INFO \(wservice\) <[\w-]+>: rpc faulty\.reserve failed: faulty\.error\.out_of_stock: none left \{.*"component":"service"/m,
    );

    const quiet = await runFaulty('--log-level', 'info,service=error');
    await runCli(['call', 'faulty.reserve', ...quiet.router]);
    await runCli(['call', 'faulty.crash', ...quiet.router]);
    await until(() => jsonLines(quiet.services.stdout()).length > 0);
    await stop(quiet.services);
    expect(jsonLines(quiet.services.stdout()).map((l) => l.msg)).toEqual(['rpc faulty.crash threw']);
  });

  it('refuses a log level or component it does not know', async () => {
    expect(await runCli(['run', FIXTURE, '--log-level', 'info,routr=debug'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('"routr" is not a component (router, service, client)') as string,
    });
    expect((await runCli(['router', '--log-level', 'loud'])).stderr).toContain('"loud" is not a log level');
  });
});

describe('client commands print human lines only', () => {
  let router: TestRouter;
  beforeEach(async () => {
    router = await startTestRouter();
  });
  afterEach(() => router.stop());

  it('call on a RawSocket URL at a WebSocket port: one error line', async () => {
    const port = new URL(router.url).port;
    const result = await runCli(['call', 'x.y', '--router', `rs://127.0.0.1:${port}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: cannot join realm \S+ on rs:\/\/127\.0\.0\.1:\d+: .*\n$/);
  });

  it('subscribe when the router stops: a line saying it reconnects, no JSON', async () => {
    const subscriber = startCli(['subscribe', 'x.topic', '--router', router.url, '--realm', router.realm]);
    await subscriber.waitFor('stderr', 'subscribed to x.topic');
    await router.stop();
    await subscriber.waitFor('stderr', 'reconnecting');
    subscriber.child.kill('SIGINT');
    await subscriber.exited;
    expect(subscriber.stderr()).not.toContain('{');
    expect(subscriber.stderr()).toMatch(/^reconnecting: .+$/m);
  });
});
