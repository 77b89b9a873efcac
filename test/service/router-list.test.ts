import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, ServiceRunner, type Client } from '../../src';
import { routerUrls } from '../../src/client/url';
import { loadConfig } from '../../src/config';
import { explainConfig } from '../../src/config/explain';
import { Router } from '../../src/router';
import { FaultProxy } from '../helpers/fault-proxy';
import { GreeterService } from '../fixtures/discover/greeter.service';

// A list of router URLs wherever one is taken by the service side: ServiceRunner's `router`
// option and the configuration's `router.url`, with connect()'s failover.
describe('a list of router URLs for services', () => {
  let good: Router;
  let refusing: Router;
  let dead: FaultProxy;
  let deadUrl: string;
  let client: Client;
  const runners: ServiceRunner[] = [];
  let dir: string;

  beforeAll(async () => {
    const listeners = [{ type: 'websocket' as const, host: '127.0.0.1', port: 0 }];
    good = await Router.start({ listeners, realms: [{ name: 'realm1' }] });
    refusing = await Router.start({ listeners, realms: [{ name: 'elsewhere' }] }); // no_such_realm
    dead = await FaultProxy.start(good.listeners[0].port!);
    dead.refuse(); // a node that is down
    deadUrl = `ws://127.0.0.1:${dead.port}/ws`;
    client = await connect({ url: good.listeners[0].url });
    dir = mkdtempSync(join(tmpdir(), 'wservice-router-list-'));
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
  });
  afterAll(async () => {
    await client.close();
    await dead.stop();
    await Promise.all([good.stop(), refusing.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('ServiceRunner: services join the first router of the list that takes them', async () => {
    const urls = [deadUrl, refusing.listeners[0].url, good.listeners[0].url];
    const runner = await ServiceRunner.start({ services: [GreeterService], router: urls });
    runners.push(runner);
    expect(runner.routerUrl).toBe(urls.join(','));
    await expect(client.call('fixture_greeter.hello', ['list'])).resolves.toBe('hello list');
    expect(refusing.stats.sessions).toBe(0);
  });

  it('ServiceRunner: URLs separated by commas, as --router and WSERVICE_ROUTER give them', async () => {
    const runner = await ServiceRunner.start({
      services: [GreeterService],
      router: `${refusing.listeners[0].url}, ${good.listeners[0].url}`,
    });
    runners.push(runner);
    await expect(client.call('fixture_greeter.hello', ['commas'])).resolves.toBe('hello commas');
    // routerUrl is a list connect() takes as it is.
    const other = await connect({ url: runner.routerUrl });
    await expect(other.call('fixture_greeter.hello', ['again'])).resolves.toBe('hello again');
    await other.close();
  });

  it('ServiceRunner: a bad URL anywhere in the list is refused before anything starts', async () => {
    await expect(
      ServiceRunner.start({ services: [GreeterService], router: [good.listeners[0].url, 'http://x'] }),
    ).rejects.toMatchObject({ name: 'TransportError', code: 'INVALID_URL' });
  });

  it('router.url of the configuration: a string or a list', () => {
    const file = join(dir, 'wservice.config.yaml');
    writeFileSync(file, 'router:\n  url:\n    - ws://node1:8080/ws\n    - ws://node2:8080/ws\n');
    const config = loadConfig({ cwd: dir, env: {} });
    expect(routerUrls(config.router.url!)).toEqual(['ws://node1:8080/ws', 'ws://node2:8080/ws']);
    // show-config: the list is one value, from the file
    const entry = explainConfig({ cwd: dir, env: {} }).entries.filter((e) => e.key.startsWith('router.url'));
    expect(entry).toEqual([
      {
        key: 'router.url',
        value: 'ws://node1:8080/ws,ws://node2:8080/ws',
        source: 'file',
        where: expect.any(String),
      },
    ]);
    writeFileSync(file, 'router:\n  url: []\n');
    expect(() => loadConfig({ cwd: dir, env: {} })).toThrow(/router\.url/);
    writeFileSync(file, 'router:\n  url: ws://node1:8080/ws\n');
    expect(loadConfig({ cwd: dir, env: {} }).router.url).toBe('ws://node1:8080/ws');
  });

  it('routerUrls reads one URL, commas and lists of either', () => {
    expect(routerUrls('ws://a/ws')).toEqual(['ws://a/ws']);
    expect(routerUrls(' ws://a/ws , rs://b:1 ,')).toEqual(['ws://a/ws', 'rs://b:1']);
    expect(routerUrls(['ws://a/ws,ws://b/ws', 'unix:/tmp/s'])).toEqual([
      'ws://a/ws',
      'ws://b/ws',
      'unix:/tmp/s',
    ]);
  });
});
