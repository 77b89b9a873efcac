/**
 * `npm run bench`: every scenario in its own processes on loopback, interleaved round by
 * round (A B C A B C ...), the median of the rounds reported with ratios to the raw 2-hop
 * relay. Prints one markdown table and writes it to bench/results/.
 *
 * `--quick`: small counts and one round. `--only <regexp>`: the scenarios whose key
 * (`rpc: <name>`, `http: <name>`, `payload: <name>`, `pubsub 1→N: <name>`, `idle: <name>`) matches. `BENCH_ROUNDS=<n>`
 * overrides the rounds; `BENCH_CPU_PROF=<dir>` writes a CPU profile of every process;
 * `BENCH_LONG_WARMUP=<n>` the calls between the long-lived phase's after-GC and warmed measures.
 * The services' contract files are written first, as `wservice build` would (contracts.ts);
 * `--only startup` times reading a service's contract at start.
 *
 * The limits scenarios (`limits: hostile`, `limits: soak`, see limits.ts) run only when
 * `--only` names them: `npm run bench -- --only hostile`, `npm run bench -- --only soak`
 * (`BENCH_SOAK_SECONDS`, default 600).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderReport } from './lib/report';
import { runIdle, runPayload, runPubSub, runRpc, type Counts, type Sample } from './lib/run';
import { scenarioKey, type Scenario } from './lib/scenario';
import { median } from './lib/stats';
import { runStartup, STARTUP_SCENARIO, writeBenchContracts } from './contracts';
import { LIMITS_SCENARIOS, runHostile, runSoak } from './limits';
import { PATTERNS_SCENARIO, runPatterns } from './patterns';
import { allScenarios } from './scenarios';

const quick = process.argv.includes('--quick');
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex === -1 ? undefined : new RegExp(process.argv[onlyIndex + 1] ?? '', 'i');

const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 7));
const counts: Counts = {
  sequentialCalls: quick ? 1000 : 5000,
  concurrentCalls: quick ? 10000 : 50000,
  inFlight: 100,
  events: quick ? 10000 : 50000,
  fanoutEvents: quick ? 300 : 2000,
  payloadBytes: (quick ? 16 : 64) * 2 ** 20,
  payloadInFlight: 4,
  longLivedWarmup: Number(process.env.BENCH_LONG_WARMUP ?? (quick ? 20000 : 300000)),
};
const shape = { fanoutSubscribers: 100, idleSessions: quick ? 1000 : 10000 };

/** The rows whose 100-in-flight measures run more calls (`callsScale`), for the report's header. */
function scaledRows(scenarios: Scenario[]): string {
  const scales = new Set(
    scenarios.flatMap((s) => (s.kind === 'rpc' && (s.callsScale ?? 1) > 1 ? [s.callsScale] : [])),
  );
  return [...scales].map((k) => ` (${String(k)}x in the in-process rows)`).join('');
}

function runScenario(scenario: Scenario): Promise<Sample> {
  switch (scenario.kind) {
    case 'rpc':
    case 'http':
      return runRpc(scenario, counts);
    case 'payload':
      return runPayload(scenario, counts);
    case 'pubsub':
      return runPubSub(scenario, counts);
    case 'idle':
      return runIdle(scenario);
  }
}

/** The scenarios run only when `--only` names them (limits, patterns), as one markdown section. */
async function runLimits(): Promise<string> {
  const selected = LIMITS_SCENARIOS.filter((key) => only?.test(key) === true);
  const sections: string[] = [];
  if (only?.test(PATTERNS_SCENARIO) === true)
    sections.push(await runPatterns(rounds, quick ? 20000 : 200000));
  if (selected.includes('limits: hostile')) sections.push(await runHostile(rounds));
  if (selected.includes('limits: soak'))
    sections.push(await runSoak(Number(process.env.BENCH_SOAK_SECONDS ?? 600)));
  if (only?.test(STARTUP_SCENARIO) === true) sections.push(await runStartup(rounds));
  return sections.join('\n');
}

async function main(): Promise<void> {
  const limits = await runLimits();
  if (limits !== '') {
    process.stdout.write(limits);
    const dir = join(__dirname, '..', '..', 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-limits.md`), limits);
  }
  const scenarios = allScenarios(shape).filter((s) => only === undefined || only.test(scenarioKey(s)));
  if (scenarios.length === 0) return;
  for (const file of writeBenchContracts()) process.stderr.write(`contract file: ${file}\n`);
  const samples = new Map<string, Sample[]>();
  const began = Date.now();
  for (let round = 1; round <= rounds; round++) {
    for (const scenario of scenarios) {
      const key = scenarioKey(scenario);
      process.stderr.write(`round ${round}/${rounds}: ${key}\n`);
      const sample = await runScenario(scenario);
      samples.set(key, [...(samples.get(key) ?? []), sample]);
    }
  }
  const medians = new Map<string, Sample>();
  for (const [name, list] of samples) {
    const metrics = new Set(list.flatMap((s) => Object.keys(s)));
    medians.set(name, Object.fromEntries([...metrics].map((m) => [m, median(list.map((s) => s[m]))])));
  }
  const info = {
    rounds,
    quick,
    counts:
      `${counts.sequentialCalls} sequential calls, ${counts.concurrentCalls} calls ${counts.inFlight} in flight` +
      `${scaledRows(scenarios)}, ` +
      `${counts.events} events 1→1, ${counts.fanoutEvents} events 1→${shape.fanoutSubscribers}, ` +
      `${shape.idleSessions} idle sessions; ${Math.round((Date.now() - began) / 1000)} s`,
  };
  const report = renderReport(scenarios, medians, info, {
    fanout: shape.fanoutSubscribers,
    idleSessions: shape.idleSessions,
    longLivedWarmup: counts.longLivedWarmup,
  });
  process.stdout.write(report);
  const dir = join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const partial = only === undefined ? '' : '-partial';
  const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}${quick ? '-quick' : partial}.md`);
  writeFileSync(file, report);
  process.stderr.write(`written to ${file}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
