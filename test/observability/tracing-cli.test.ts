import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, TRACEPARENT_ATTRIBUTE } from '../../src';
import { assertBuilt, killStarted, runCli, startCli } from '../cli/helpers/cli';

/**
 * `wservice run` with `tracing.setup`: the docs' set-up module (docs/snippets/tracing-setup.ts)
 * exports spans as JSON lines, flushed when the process stops. Needs `npm run build` first.
 */

const FIXTURES = join(__dirname, '../cli/fixtures/tracing');
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN = 'b7ad6b7169203331';

interface ExportedSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
  status: { code: number; message?: string };
}

let dir: string;
beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'wservice-tracing-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(killStarted);

describe('wservice run with tracing.setup', () => {
  it('exports one trace per call across services, with the caller as parent, flushed at stop', async () => {
    const file = join(dir, 'spans.jsonl');
    const run = startCli(
      [
        'run',
        FIXTURES,
        '--port',
        '0',
        '--config',
        join(FIXTURES, 'wservice.config.yaml'),
        '--log-level',
        'silent',
      ],
      { env: { TRACE_FILE: file } },
    );
    await run.waitFor('stdout', /tracing spans to \S+tracing-setup\.ts/);
    const url = /(ws:\/\/\S+)/.exec(run.stdout())![1];
    const client = await connect({ url, reconnect: false });
    const custom = { [TRACEPARENT_ATTRIBUTE]: `00-${TRACE_ID}-${CALLER_SPAN}-01` };
    expect(await client.call('orders.place', ['o-1', 10], {}, { custom })).toBe('paid o-1');
    await expect(client.call('orders.place', ['o-2', 1000])).rejects.toMatchObject({
      uri: 'payments.error.declined',
    });
    await client.close();
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);

    const spans = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ExportedSpan);
    const traced = spans.filter((s) => s.traceId === TRACE_ID);
    const named = (name: string) => traced.find((s) => s.name === name && s.kind !== 2)!;
    expect(traced.map((s) => s.name).sort()).toEqual([
      'orders.place',
      'payments.charge',
      'payments.charge',
      'process orders.placed',
      'publish orders.placed',
    ]);
    const server = named('orders.place');
    expect(server.parentSpanId).toBe(CALLER_SPAN);
    const client2 = traced.find((s) => s.name === 'payments.charge' && s.kind === 2)!; // CLIENT
    const callee = traced.find((s) => s.name === 'payments.charge' && s.kind === 1)!; // SERVER
    expect(client2.parentSpanId).toBe(server.spanId);
    expect(callee.parentSpanId).toBe(client2.spanId);
    expect(named('process orders.placed').parentSpanId).toBe(named('publish orders.placed').spanId);

    const failed = spans.filter((s) => s.traceId !== TRACE_ID);
    expect(new Set(failed.map((s) => s.traceId)).size).toBe(1);
    for (const span of failed) {
      expect(span.attributes['wamp.error']).toBe('payments.error.declined');
      expect(span.status.code).toBe(2); // ERROR
    }
  });

  it('is off by default, and a set-up module that cannot load is a config error', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'tracing:\n  setup: ./missing-setup.js\n');
    const refused = await runCli(['run', FIXTURES, '--port', '0', '--config', bad]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('tracing.setup');
    expect(refused.stderr).toContain('missing-setup.js could not be loaded');

    const plain = startCli(['run', FIXTURES, '--port', '0', '--log-level', 'silent']);
    await plain.waitFor('stdout', 'Ctrl-C to stop');
    expect(plain.stdout()).not.toContain('tracing');
    const global = startCli(['run', FIXTURES, '--port', '0', '--log-level', 'silent', '--tracing']);
    await global.waitFor('stdout', 'tracing spans to the global tracer provider');
    for (const program of [plain, global]) {
      program.child.kill('SIGINT');
      expect(await program.exited).toBe(0);
    }
  });
});
