import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Client } from '../../src';
import { assertBuilt, killStarted, runCli, startCli, type Running } from '../cli/helpers/cli';
import { get, parsePrometheus, sample, type Sample } from '../helpers/prometheus';
import { until } from '../helpers/until';

/**
 * `--metrics-port` of `wservice run` and `wservice router`, scraped over HTTP during real
 * traffic from clients over WebSocket. Needs `npm run build` first.
 */

const FIXTURE = join(__dirname, 'fixtures/shop.service.ts');

beforeAll(assertBuilt);
afterEach(killStarted);

async function started(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ program: Running; url: string; metrics: string }> {
  const program = startCli([...args, '--metrics-port', '0'], { env });
  await program.waitFor('stdout', /metrics http:\S+\/metrics/);
  const metrics = /metrics (http:\S+)\/metrics/.exec(program.stdout())![1];
  const url = /(ws:\/\/\S+)/.exec(program.stdout())![1];
  return { program, url, metrics };
}

async function scrape(base: string): Promise<Sample[]> {
  const page = await get(`${base}/metrics`);
  expect(page.status).toBe(200);
  expect(page.type).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(page.body);
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wservice-metrics-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wservice run --metrics-port', () => {
  let run: Awaited<ReturnType<typeof started>>;
  let client: Client;
  const release = () => join(dir, 'release');
  beforeEach(async () => {
    rmSync(release(), { force: true });
    run = await started(['run', FIXTURE, '--port', '0', '--log-level', 'silent'], {
      SHOP_RELEASE: release(),
    });
    client = await connect({ url: run.url, reconnect: false });
  });
  afterEach(() => client.close().catch(() => undefined));

  it('counts calls, errors by URI and latency per procedure, events per topic, and the router traffic', async () => {
    for (const item of ['apple', 'pear', 'unicorn', 'bug'])
      await client.call('shop.buy', [item]).catch(() => undefined);
    await client.publish('shop.visited', ['home'], {}, { acknowledge: true });
    await client.publish('shop.visited', ['broken'], {}, { acknowledge: true });
    const buy = { service: 'shop', procedure: 'shop.buy' };
    await until(
      async () => sample(await scrape(run.metrics), 'wservice_events_total', { topic: 'shop.visited' }) === 2,
    );
    const page = await scrape(run.metrics);
    expect(sample(page, 'wservice_calls_total', buy)).toBe(4);
    expect(sample(page, 'wservice_call_errors_total', { ...buy, error: 'shop.error.out_of_stock' })).toBe(1);
    expect(sample(page, 'wservice_call_errors_total', { ...buy, error: 'wservice.error.application' })).toBe(
      1,
    );
    expect(sample(page, 'wservice_call_duration_seconds_count', buy)).toBe(4);
    expect(sample(page, 'wservice_call_duration_seconds_bucket', { ...buy, le: '+Inf' })).toBe(4);
    expect(sample(page, 'wservice_call_duration_seconds_sum', buy)).toBeGreaterThan(0);
    expect(
      sample(page, 'wservice_event_errors_total', {
        service: 'shop',
        topic: 'shop.visited',
        error: 'wservice.error.application',
      }),
    ).toBe(1);
    expect(sample(page, 'wservice_calls_in_flight', { service: 'shop' })).toBe(0);
    // The router: our client's CALLs and PUBLISHes in, with their bytes (WebSocket, JSON).
    expect(sample(page, 'wservice_router_messages_total', { direction: 'in', type: 'CALL' })).toBe(4);
    expect(sample(page, 'wservice_router_messages_total', { direction: 'in', type: 'PUBLISH' })).toBe(2);
    expect(sample(page, 'wservice_router_messages_total', { direction: 'out', type: 'RESULT' })).toBe(2);
    expect(sample(page, 'wservice_router_messages_total', { direction: 'out', type: 'ERROR' })).toBe(2);
    expect(sample(page, 'wservice_router_bytes_total', { direction: 'in', type: 'CALL' })).toBeGreaterThan(
      4 * 20,
    );
    // The service and our client.
    expect(sample(page, 'wservice_router_sessions')).toBe(2);
    // shop.buy, shop.hold and the contract's shop.describe, wservice.describe.shop, wservice.describe
    expect(sample(page, 'wservice_router_registrations')).toBe(5);
    expect(sample(page, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('shows calls in flight, queued and refused as overloaded; ready until it drains', async () => {
    expect(await get(`${run.metrics}/healthz`)).toMatchObject({ status: 200 });
    expect(await get(`${run.metrics}/readyz`)).toMatchObject({
      status: 200,
      body: '{"status":"ready","reasons":[]}\n',
    });
    const first = client.call('shop.hold');
    await until(
      async () => sample(await scrape(run.metrics), 'wservice_calls_in_flight', { service: 'shop' }) === 1,
    );
    const second = client.call('shop.hold');
    await until(
      async () => sample(await scrape(run.metrics), 'wservice_calls_queued', { service: 'shop' }) === 1,
    );
    await expect(client.call('shop.hold')).rejects.toMatchObject({ uri: 'wservice.error.overloaded' });
    expect(sample(await scrape(run.metrics), 'wservice_calls_overloaded_total', { service: 'shop' })).toBe(1);

    // Draining: the held calls keep it from finishing, and /readyz says so.
    run.program.child.kill('SIGTERM');
    await until(async () => (await get(`${run.metrics}/readyz`)).status === 503);
    expect((await get(`${run.metrics}/readyz`)).body).toBe('{"status":"not ready","reasons":["draining"]}\n');
    writeFileSync(release(), '');
    await expect(first).resolves.toBe('released');
    await expect(second).resolves.toBe('released');
    expect(await run.program.exited).toBe(0);
  });
});

describe('wservice router --metrics-port', () => {
  beforeAll(() => {
    writeFileSync(
      join(dir, 'router.yaml'),
      'auth:\n  anonymous: { role: anonymous }\n  ticket:\n    principals: { alice: { ticket: s3cret, role: anonymous } }\n',
    );
  });

  it('counts sessions, messages by type and refused authentications', async () => {
    const router = await started(['router', '--port', '0', '--config', join(dir, 'router.yaml')]);
    expect(await get(`${router.metrics}/readyz`)).toMatchObject({ status: 200 });
    const refused = await runCli([
      'call',
      'x.y',
      '--router',
      router.url,
      '--authid',
      'alice',
      '--ticket',
      'wrong',
    ]);
    expect(refused.stderr).toContain('wamp.error.authentication_failed');
    const missing = await runCli(['call', 'x.y', '--router', router.url]);
    expect(missing.stderr).toContain('wamp.error.no_such_procedure');
    const page = await scrape(router.metrics);
    expect(
      sample(page, 'wservice_router_authentications_refused_total', {
        method: 'ticket',
        reason: 'wamp.error.authentication_failed',
      }),
    ).toBe(1);
    expect(
      sample(page, 'wservice_router_sessions_refused_total', { reason: 'wamp.error.authentication_failed' }),
    ).toBe(1);
    expect(sample(page, 'wservice_router_messages_total', { direction: 'in', type: 'HELLO' })).toBe(2);
    expect(sample(page, 'wservice_router_messages_total', { direction: 'out', type: 'WELCOME' })).toBe(1);
    expect(sample(page, 'wservice_router_messages_total', { direction: 'in', type: 'CALL' })).toBe(1);
    expect(
      sample(page, 'wservice_router_bytes_total', { direction: 'out', type: 'WELCOME' }),
    ).toBeGreaterThan(0);
    expect(sample(page, 'wservice_router_sessions')).toBe(0);
    expect((await get(`${router.metrics}/nothing`)).status).toBe(404);
    router.program.child.kill('SIGINT');
    expect(await router.program.exited).toBe(0);
  });
});
