import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RouterSnapshot } from '../../cli/commands/ps';
import { assertBuilt, killStarted, runCli, startCli, type Running } from './helpers/cli';

/** `wservice ps` over loopback against `wservice run` and `wservice router`. */

const SERVICES = join(__dirname, 'fixtures/tracing');

type Snapshot = RouterSnapshot;

let dir: string;
beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'wservice-ps-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(killStarted);

async function started(args: string[]): Promise<{ program: Running; url: string }> {
  const program = startCli(args);
  await program.waitFor('stdout', /ws:\/\/\S+/);
  return { program, url: /(ws:\/\/[^\s,)]+)/.exec(program.stdout())![1] };
}

async function snapshot(args: string[]): Promise<Snapshot> {
  const shown = await runCli(['ps', '--json', ...args]);
  expect(shown.stderr).toBe('');
  expect(shown.code).toBe(0);
  return JSON.parse(shown.stdout) as Snapshot;
}

async function stop(program: Running): Promise<void> {
  program.child.kill('SIGINT');
  expect(await program.exited).toBe(0);
}

describe('wservice ps', () => {
  it('lists the services of wservice run with their instances, procedures and subscriptions', async () => {
    const run = await started(['run', SERVICES, '--port', '0', '--log-level', 'silent']);
    await run.program.waitFor('stdout', 'Ctrl-C to stop');
    const s = await snapshot(['--router', run.url]);
    expect(s.services.map((v) => v.name)).toEqual(['orders', 'payments']);
    const [orders, payments] = s.services;
    expect(orders.sessions).toHaveLength(1);
    expect(payments.sessions).toHaveLength(1);
    expect(s.procedures).toEqual([
      { uri: 'orders.place', match: 'exact', invoke: 'roundrobin', callees: orders.sessions },
      { uri: 'payments.charge', match: 'exact', invoke: 'roundrobin', callees: payments.sessions },
    ]);
    expect(s.subscriptions).toEqual([
      { topic: 'orders.placed', match: 'exact', delivery: 'broadcast', sessions: payments.sessions },
    ]);
    // Anonymous callers may not read session details under the default permissions.
    expect(s.sessions.count).toBe(2);
    expect(s.sessions.list).toBeUndefined();
    expect(s.sessions.hidden).toContain('wamp.session.get');

    const all = await snapshot(['--router', run.url, '--all']);
    expect(all.procedures.map((p) => p.uri)).toEqual(
      expect.arrayContaining(['orders.describe', 'wservice.describe', 'wservice.describe.orders']),
    );

    const text = await runCli(['ps', '--router', run.url]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^  orders\\s+1\\s+${orders.sessions[0]}$`, 'm'));
    expect(text.stdout).toMatch(/^ {2}payments\.charge\s+exact\s+roundrobin\s+\d+$/m);
    expect(text.stdout).toMatch(/^ {2}orders\.placed\s+exact\s+broadcast\s+\d+$/m);
    await stop(run.program);
  });

  it('shows every session with its identity to an admin of wservice router', async () => {
    const config = join(dir, 'router.yaml');
    writeFileSync(
      config,
      'auth:\n  anonymous: { role: anonymous }\n  ticket:\n    principals: { ops: { ticket: s3cret, role: admin } }\n',
    );
    const router = await started(['router', '--port', '0', '--config', config, '--log-level', 'silent']);
    const run = startCli(['run', SERVICES, '--router', router.url, '--log-level', 'silent']);
    await run.waitFor('stdout', 'Ctrl-C to stop');
    const s = await snapshot(['--router', router.url, '--authid', 'ops', '--ticket', 's3cret']);
    expect(s.sessions.count).toBe(2);
    const rows = [...s.sessions.list!].sort((a, b) => a.service!.localeCompare(b.service!));
    expect(rows.map((v) => [v.service, v.authrole, v.transport?.type])).toEqual([
      ['orders', 'anonymous', 'websocket'],
      ['payments', 'anonymous', 'websocket'],
    ]);
    const byName = new Map(s.services.map((v) => [v.name, v.sessions]));
    for (const row of rows) {
      expect(byName.get(row.service!)).toEqual([row.session]);
      expect(typeof row.authid).toBe('string');
    }
    const text = await runCli(['ps', '--router', router.url, '--authid', 'ops', '--ticket', 's3cret']);
    expect(text.stdout).toMatch(
      new RegExp(
        `^  ${rows[0].session}\\s+orders\\s+\\S+\\s+anonymous\\s+websocket tcp4:127\\.0\\.0\\.1:\\d+$`,
        'm',
      ),
    );
    await stop(run);
    await stop(router.program);
  });

  it('says in one line when the router cannot be reached', async () => {
    const refused = await runCli(['ps', '--router', 'ws://127.0.0.1:1/ws']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('cannot join realm realm1 on ws://127.0.0.1:1/ws');
  });
});
