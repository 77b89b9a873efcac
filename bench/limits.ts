import { startRole, type RoleProcess } from './lib/proc';
import type { SequentialResult } from './lib/workload';
import type { MemoryReading } from './roles/entry';

/**
 * The limits scenarios (issue 11), run only when `--only` names them, never in a full run:
 *
 * - `limits: hostile`: our router with its default limits, a reference caller and callee of
 *   `bench.echo`, and 100 hostile sessions doing every memory attack at once. Prints the
 *   router's peak RSS against its buffer budget (`limits.maxBufferedBytes`) and the reference
 *   client's sequential p50 / p99 against an idle run of the same system.
 * - `limits: soak`: mixed calls, events and session churn for `BENCH_SOAK_SECONDS` (default
 *   600); prints the router's heap and RSS (after a collection) at the start and the end.
 */
export const LIMITS_SCENARIOS = ['limits: hostile', 'limits: soak'] as const;

/** The router's default budget (src/router/options.ts). */
const BUDGET_MB = 256;
const REFERENCE_CALLS = 3000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function system(): Promise<{ router: RoleProcess; caller: RoleProcess; processes: RoleProcess[] }> {
  const router = await startRole('wamp-router', {}, { label: 'router' });
  const url = String(router.info.ws);
  const callee = await startRole('wamp-callee', { url, serializer: 'json' }, { label: 'callee' });
  const caller = await startRole('wamp-caller', { url, serializer: 'json' }, { label: 'caller' });
  return { router, caller, processes: [caller, callee, router] };
}

async function reference(caller: RoleProcess): Promise<SequentialResult> {
  return caller.request<SequentialResult>('sequential', { count: REFERENCE_CALLS, warmup: 300 });
}

export async function runHostile(rounds: number): Promise<string> {
  const rows: string[] = [];
  for (let round = 1; round <= rounds; round++) {
    process.stderr.write(`round ${round}/${rounds}: limits: hostile\n`);
    const idle = await system();
    const quiet = await reference(idle.caller);
    const idlePeak = idle.router.peakRssKb() / 1024;
    await Promise.all(idle.processes.map((p) => p.stop()));

    const attacked = await system();
    const baseline = attacked.router.rssKb() / 1024;
    const attacker = await startRole(
      'hostile',
      { ws: attacked.router.info.ws, rs: attacked.router.info.rs, sessions: 100 },
      { label: 'hostile', raiseFdLimit: true },
    );
    const started = attacker.request<number>('start');
    await sleep(1000);
    const underAttack = await reference(attacked.caller);
    const links = await started;
    await sleep(2000);
    const status = await attacker.request<{ links: number; closed: number }>('status');
    const peak = attacked.router.peakRssKb() / 1024;
    await Promise.all([attacker, ...attacked.processes].map((p) => p.stop()));
    rows.push(
      `| ${round} | ${Math.round(baseline)} | ${Math.round(peak)} | ${Math.round(peak - baseline)} | ${BUDGET_MB} | ` +
        `${peak - baseline <= BUDGET_MB ? 'yes' : 'NO'} | ${status.closed} / ${links} | ` +
        `${Math.round(quiet.p50Us)} / ${Math.round(quiet.p99Us)} | ${Math.round(underAttack.p50Us)} / ${Math.round(underAttack.p99Us)} | ` +
        `${(underAttack.p50Us / quiet.p50Us).toFixed(2)}x / ${(underAttack.p99Us / quiet.p99Us).toFixed(2)}x | ${Math.round(idlePeak)} |`,
    );
  }
  return [
    '## Limits: 100 hostile sessions beside a reference client',
    '',
    'Each hostile session does one memory attack (unfinished 16 MiB messages over WebSocket and RawSocket, RawSocket PING floods without reading, paused subscribers of a 1 KB event flood, paused callers of 512 KB results), plus 300 idle sockets that never upgrade; the router runs its default limits.',
    '',
    '| round | router RSS before MB | peak MB | growth MB | budget MB | growth within budget | hostile links closed | reference p50 / p99 µs idle | under attack | ratio | idle run peak MB |',
    '| ---: | ---: | ---: | ---: | ---: | :---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
  ].join('\n');
}

export async function runSoak(seconds: number): Promise<string> {
  process.stderr.write(`limits: soak for ${seconds} s\n`);
  const { router, processes } = await system();
  const url = String(router.info.ws);
  const driver = await startRole('soak-driver', { url }, { label: 'soak' });
  const samples: { at: number; memory: MemoryReading }[] = [];
  const began = Date.now();
  const running = driver.request<{ calls: number; events: number; sessions: number }>('run', { seconds });
  // The first minute warms up (JIT, pools); drift is read from there.
  const every = Math.max(5, Math.floor(seconds / 10)) * 1000;
  while (Date.now() - began < seconds * 1000) {
    await sleep(Math.min(every, seconds * 1000 - (Date.now() - began)));
    samples.push({
      at: Math.round((Date.now() - began) / 1000),
      memory: await router.request<MemoryReading>('memory'),
    });
  }
  const totals = await running;
  await sleep(500);
  const end = await router.request<MemoryReading>('memory');
  const peak = router.peakRssKb() / 1024;
  await Promise.all([driver, ...processes].map((p) => p.stop()));
  const first = samples[0]?.memory ?? end;
  const mb = (kb: number): string => (kb / 1024).toFixed(1);
  return [
    `## Limits: soak, ${seconds} s of mixed calls, events and session churn`,
    '',
    `${totals.calls} calls, ${totals.events} events, ${totals.sessions} sessions opened and closed; router peak RSS ${Math.round(peak)} MB.`,
    '',
    '| at s | router heap used MB | RSS MB |',
    '| ---: | ---: | ---: |',
    ...samples.map((s) => `| ${s.at} | ${mb(s.memory.heapUsedKb)} | ${mb(s.memory.rssKb)} |`),
    `| end (idle) | ${mb(end.heapUsedKb)} | ${mb(end.rssKb)} |`,
    '',
    `Drift from the first sample to the end: heap ${mb(end.heapUsedKb - first.heapUsedKb)} MB, RSS ${mb(end.rssKb - first.rssKb)} MB.`,
    '',
  ].join('\n');
}
