import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Client } from '../../src';
import { Router } from '../../src/router';
import { FaultProxy } from '../helpers/fault-proxy';
import { assertBuilt, killStarted, runCli, startCli } from './helpers/cli';

/**
 * A list of router URLs wherever the command takes one: `--router a,b`, `--router` repeated,
 * WSERVICE_ROUTER and router.url of the configuration, for run and the clients. A node that is
 * down and a node that refuses the join (no realm1 there) are passed over for the next.
 */

const SERVICE = join(__dirname, '..', 'fixtures', 'discover', 'greeter.service.ts');
const CLEAN = { WSERVICE_ROUTER: '', WSERVICE_REALM: '' };

let good: Router;
let refusing: Router;
let dead: FaultProxy;
let goodUrl: string;
let refusingUrl: string;
let deadUrl: string;
let callee: Client;
let dir: string;

beforeAll(async () => {
  assertBuilt();
  const listeners = [{ type: 'websocket' as const, host: '127.0.0.1', port: 0 }];
  good = await Router.start({ listeners, realms: [{ name: 'realm1' }] });
  refusing = await Router.start({ listeners, realms: [{ name: 'elsewhere' }] });
  dead = await FaultProxy.start(good.listeners[0].port!);
  dead.refuse();
  [goodUrl, refusingUrl] = [good, refusing].map((r) => r.listeners[0].url);
  deadUrl = `ws://127.0.0.1:${dead.port}/ws`;
  callee = await connect({ url: goodUrl });
  await callee.register('list.ping', () => 'pong');
  dir = mkdtempSync(join(tmpdir(), 'wservice-router-list-'));
});
afterAll(async () => {
  await callee.close();
  await dead.stop();
  await Promise.all([good.stop(), refusing.stop()]);
  rmSync(dir, { recursive: true, force: true });
});
afterEach(killStarted);

const pong = { code: 0, stdout: 'pong\n', stderr: '' };

describe('router URL lists on the command line', () => {
  it('call: --router a,b and --router repeated pass over a node down and one refusing', async () => {
    const list = `${deadUrl},${refusingUrl},${goodUrl}`;
    expect(await runCli(['call', 'list.ping', '--router', list], { env: CLEAN })).toEqual(pong);
    const repeated = ['--router', deadUrl, '--router', refusingUrl, '--router', goodUrl];
    expect(await runCli(['call', 'list.ping', ...repeated], { env: CLEAN })).toEqual(pong);
  });

  it('WSERVICE_ROUTER takes a list too', async () => {
    const env = { ...CLEAN, WSERVICE_ROUTER: `${refusingUrl},${goodUrl}` };
    expect(await runCli(['call', 'list.ping'], { env })).toEqual(pong);
  });

  it('names every router and why when none takes the join', async () => {
    const result = await runCli(['call', 'list.ping', '--router', `${refusingUrl},${deadUrl}`], {
      env: CLEAN,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `cannot join realm realm1 on ${refusingUrl},${deadUrl}: no router joined:`,
    );
    expect(result.stderr).toContain(`${refusingUrl}: refused the join: wamp.error.no_such_realm`);
    expect(result.stderr).toContain(`${deadUrl}: `);
  });

  it('publish, subscribe and shell', async () => {
    const list = `${refusingUrl},${goodUrl}`;
    const subscriber = startCli(['subscribe', 'list.news', '--router', list], { env: CLEAN });
    await subscriber.waitFor('stderr', 'subscribed to list.news');
    const published = await runCli(['publish', 'list.news', 'hello', '--router', list], { env: CLEAN });
    expect(published.code).toBe(0);
    await subscriber.waitFor('stdout', 'list.news hello');
    subscriber.child.kill('SIGINT');
    expect(await subscriber.exited).toBe(0);
    const shell = await runCli(['shell', '--router', list], { env: CLEAN, input: 'await rpc.list.ping()\n' });
    expect(shell.code).toBe(0);
    expect(shell.stdout).toContain(`'pong'\n`);
  });

  it('run: --router repeated', async () => {
    const run = startCli(
      ['run', SERVICE, '--router', refusingUrl, '--router', goodUrl, '--log-level', 'warn'],
      {
        env: CLEAN,
      },
    );
    await run.waitFor('stdout', 'Ctrl-C to stop');
    await expect(callee.call('fixture_greeter.hello', ['flags'])).resolves.toBe('hello flags');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('run: router.url of wservice.config.yaml as a list', async () => {
    const config = join(dir, 'wservice.config.yaml');
    writeFileSync(config, `router:\n  url:\n    - ${deadUrl}\n    - ${refusingUrl}\n    - ${goodUrl}\n`);
    const run = startCli(['run', SERVICE, '--config', config, '--log-level', 'warn'], { env: CLEAN });
    await run.waitFor('stdout', 'Ctrl-C to stop');
    expect(run.stdout()).toContain(`${deadUrl},${refusingUrl},${goodUrl}`);
    await expect(callee.call('fixture_greeter.hello', ['file'])).resolves.toBe('hello file');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });
});
