import { join } from 'node:path';
import { connect, type Client } from '../../src';
import { Router } from '../../src/router';
import { assertBuilt, killStarted, runCli, startCli } from './helpers/cli';

/**
 * `--tls-ca`, `--tls-cert` and `--tls-key` (and WSERVICE_TLS_*) of call, publish, subscribe,
 * shell and run, against a wss:// router that asks for a client certificate.
 */

const TLS_DIR = join(__dirname, '..', 'fixtures', 'tls');
const FILES = {
  ca: join(TLS_DIR, 'ca.crt'),
  cert: join(TLS_DIR, 'client.crt'),
  key: join(TLS_DIR, 'client.key'),
};
const SERVICE = join(__dirname, '..', 'fixtures', 'discover', 'greeter.service.ts');

let router: Router;
let url: string;
let callee: Client;
const flags = ['--tls-ca', FILES.ca, '--tls-cert', FILES.cert, '--tls-key', FILES.key];

beforeAll(async () => {
  assertBuilt();
  router = await Router.start({
    listeners: [
      {
        type: 'websocket',
        host: '127.0.0.1',
        port: 0,
        tls: {
          cert: join(TLS_DIR, 'server.crt'),
          key: join(TLS_DIR, 'server.key'),
          ca: FILES.ca,
          requestCert: true,
        },
      },
    ],
  });
  url = router.listeners[0].url;
  callee = await connect({ url, tls: FILES, reconnect: false });
  await callee.register('tls.ping', () => 'pong');
});
afterAll(async () => {
  await callee.close();
  await router.stop();
});
afterEach(killStarted);

describe('TLS flags', () => {
  it('call: with the client certificate it joins; without it the router refuses', async () => {
    expect(await runCli(['call', 'tls.ping', '--router', url, ...flags])).toEqual({
      code: 0,
      stdout: 'pong\n',
      stderr: '',
    });
    const refused = await runCli(['call', 'tls.ping', '--router', url, '--tls-ca', FILES.ca]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: cannot join realm realm1 on wss:.*certificate required/);
  });

  it('reads WSERVICE_TLS_CA, WSERVICE_TLS_CERT and WSERVICE_TLS_KEY', async () => {
    const env = { WSERVICE_TLS_CA: FILES.ca, WSERVICE_TLS_CERT: FILES.cert, WSERVICE_TLS_KEY: FILES.key };
    expect(await runCli(['call', 'tls.ping', '--router', url], { env })).toEqual({
      code: 0,
      stdout: 'pong\n',
      stderr: '',
    });
  });

  it('names a TLS file that cannot be read', async () => {
    const result = await runCli(['call', 'tls.ping', '--router', url, '--tls-ca', '/nonexistent/ca.crt']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('tls.ca: cannot read "/nonexistent/ca.crt"');
  });

  it('subscribe and publish', async () => {
    const subscriber = startCli(['subscribe', 'tls.news', '--router', url, ...flags]);
    await subscriber.waitFor('stderr', 'subscribed to tls.news');
    const published = await runCli(['publish', 'tls.news', 'hello', '--router', url, ...flags]);
    expect(published.code).toBe(0);
    await subscriber.waitFor('stdout', 'tls.news hello');
    subscriber.child.kill('SIGINT');
    expect(await subscriber.exited).toBe(0);
  });

  it('shell', async () => {
    const { code, stdout } = await runCli(['shell', '--router', url, ...flags], {
      input: `await rpc.tls.ping()\n`,
    });
    expect(code).toBe(0);
    expect(stdout).toContain(`'pong'\n`);
  });

  it('run: the services join the wss:// router with the client certificate', async () => {
    const run = startCli(['run', SERVICE, '--router', url, ...flags, '--log-level', 'warn']);
    await run.waitFor('stdout', 'Ctrl-C to stop');
    await expect(callee.call('fixture_greeter.hello', ['tls'])).resolves.toBe('hello tls');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });
});
