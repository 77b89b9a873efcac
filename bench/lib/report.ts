import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, hostname, totalmem } from 'node:os';
import { join } from 'node:path';
import { Rows } from '../scenarios';
import { PAYLOAD_SIZES } from './payload';
import { BENCH_PERMISSIVE } from './wservice';
import type { Sample } from './run';
import { scenarioKey, type PayloadScenario, type RpcScenario, type Scenario } from './scenario';

/** What the report says about the run itself. */
export interface RunInfo {
  rounds: number;
  quick: boolean;
  counts: string;
}

const fmt = (n: number | undefined, digits = 0): string =>
  n === undefined || !Number.isFinite(n)
    ? '—'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function ratioOf(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0
    ? undefined
    : a / b;
}

const showRatio = (r: number | undefined): string => (r === undefined ? '—' : `${r.toFixed(2)}x`);

/** `caller 52 · router 61 · callee 48`: a per-process measure (`<prefix>:<label>`) of a scenario. */
function perProcess(m: Sample, prefix: 'peakMb' | 'cpuUs', digits = 0): string {
  const entries = Object.entries(m).filter(([k]) => k.startsWith(`${prefix}:`));
  return entries.length === 0
    ? '—'
    : entries.map(([k, v]) => `${k.slice(prefix.length + 1)} ${fmt(v, digits)}`).join(' · ');
}

const peakColumn = (m: Sample): string => perProcess(m, 'peakMb');
const cpuColumn = (m: Sample): string => perProcess(m, 'cpuUs', 1);

/** Reads medians by row. */
class Results {
  constructor(private readonly medians: Map<string, Sample>) {}

  get(kind: Scenario['kind'], name: string, subscribers = 1): Sample {
    const key = kind === 'pubsub' ? `pubsub 1→${subscribers}: ${name}` : `${kind}: ${name}`;
    return this.medians.get(key) ?? {};
  }

  of(scenario: Scenario): Sample {
    return this.medians.get(scenarioKey(scenario)) ?? {};
  }
}

/** The batching floor of a row's link (none for in-process rows). */
function floorOf(s: RpcScenario, r: Results): Sample | undefined {
  if (s.link === 'inprocess') return undefined;
  return r.get('rpc', s.link === 'ws' ? Rows.batchingWs : Rows.batchingTcp);
}

/** The fastest third-party row doing the same job: in-process against in-process, remote against remote. */
function bestPeerOf(s: RpcScenario, scenarios: Scenario[], r: Results): Sample | undefined {
  const peers = scenarios.filter(
    (x): x is RpcScenario =>
      x.kind === 'rpc' && x.group === 'peer' && (x.link === 'inprocess') === (s.link === 'inprocess'),
  );
  let best: Sample | undefined;
  for (const p of peers) {
    const m = r.of(p);
    if (m.concCallsPerS !== undefined && (best === undefined || m.concCallsPerS > best.concCallsPerS))
      best = m;
  }
  return best;
}

/** CPU µs per call of the first 100-in-flight phase (fresh processes), summed over the processes. */
const freshCpuUs = (m: Sample): number | undefined => {
  const own = Object.entries(m).filter(([k]) => k.startsWith('cpuUs:'));
  return own.length === 0 ? undefined : own.reduce((sum, [, v]) => sum + v, 0);
};

/** CPU µs per call after a full GC (or the warm-up) over the same in the fresh processes. */
const longLivedRatio = (m: Sample, phase: 'Gc' | 'Warm'): number | undefined =>
  ratioOf(m[`longLived${phase}CpuUs`], freshCpuUs(m));

interface Target {
  what: string;
  goal: string;
  measured: number | undefined;
  met: (value: number) => boolean;
  /**
   * A calls/s ratio read from CPU time instead: the other row's CPU µs per call over this
   * one's (summed over the processes). On a loaded machine the rates say how the scheduler
   * shared the cores; the CPU per call still says what each design costs. A target with this
   * reading is met only when both readings meet it.
   */
  byCpu?: number;
}

/** A calls/s ratio of row `a` to row `b` that must be at least `bound`, with its CPU reading. */
const atLeast = (what: string, bound: number, a: Sample, b: Sample): Target => ({
  what,
  goal: `≥ ${bound.toFixed(2)}x`,
  measured: ratioOf(a.concCallsPerS, b.concCallsPerS),
  met: (v) => v >= bound,
  byCpu: ratioOf(freshCpuUs(b), freshCpuUs(a)),
});

/** A ratio that must be at most `bound`. */
const atMost = (what: string, bound: number, measured: number | undefined): Target => ({
  what,
  goal: `≤ ${bound.toFixed(2)}x`,
  measured,
  met: (v) => v <= bound,
});

/** Issue 16's goals (items 2-4): against the batching floors, the best peers, and a long-lived process. */
function floorTargets(r: Results): Target[] {
  const floorWs = r.get('rpc', Rows.batchingWs);
  const services = r.get('rpc', Rows.servicesE2e);
  const afterGc = [Rows.clientRouterInProcess, Rows.inProcess, Rows.oursJson, Rows.servicesE2e].map((row) =>
    atMost(
      `after a full GC vs fresh, CPU µs per call (100 in flight): ${row}`,
      1.1,
      longLivedRatio(r.get('rpc', row), 'Gc'),
    ),
  );
  return [
    ...afterGc,
    atLeast(
      'in-process service calls/s (100 in flight) vs Moleculer local call',
      1,
      r.get('rpc', Rows.inProcess),
      r.get('rpc', Rows.moleculerLocal),
    ),
    atLeast(
      'services end to end (WebSocket json), 100 in flight, vs batching ws floor',
      0.8,
      services,
      floorWs,
    ),
    atLeast(
      'services end to end (WebSocket json, 2 hops), 100 in flight, vs Moleculer TCP (1 hop)',
      1,
      services,
      r.get('rpc', Rows.moleculerTcp),
    ),
    atMost(
      'sequential p50, our client + router (WebSocket json) vs batching ws floor',
      1.15,
      ratioOf(r.get('rpc', Rows.oursJson).p50Us, floorWs.p50Us),
    ),
    atMost(
      'sequential p50 after the 100-in-flight phase, every process on one CPU, our client + router (WebSocket json) vs batching ws floor',
      1.15,
      ratioOf(r.get('rpc', Rows.oursJson).pinnedP50Us, floorWs.pinnedP50Us),
    ),
    atMost(
      'router CPU per byte of CALL frame, WebSocket json vs batching ws floor (worst of 64 KiB-1 MiB)',
      1.5,
      worstPayloadRatio(r, Rows.oursJson, Rows.batchingWs),
    ),
    atMost(
      'router CPU per call, 100 sessions sharing 100 calls in flight vs 1 session doing all 100',
      1.2,
      sessionsGrowth(r, Rows.oursJsonSessions, Rows.oursJson),
    ),
    atMost(
      "the same growth over the batching ws relay's (100 caller sockets vs 1): what per-socket reads and writes leave",
      1,
      ratioOf(
        sessionsGrowth(r, Rows.oursJsonSessions, Rows.oursJson),
        sessionsGrowth(r, Rows.batchingWsSessions, Rows.batchingWs),
      ),
    ),
  ];
}

/** Router (or relay) CPU per call of the row with 100 caller sessions over the one-session row's. */
const sessionsGrowth = (r: Results, many: string, one: string): number | undefined =>
  ratioOf(routerCpuUs(r.get('rpc', many)), routerCpuUs(r.get('rpc', one)));

/** The router (or relay) process's CPU µs per call of the 100-in-flight phase. */
const routerCpuUs = (m: Sample): number | undefined => m['cpuUs:router'];

/** The router's CPU ns per byte of CALL frame of a payload row at `bytes`. */
const routerNsPerByte = (m: Sample, bytes: number): number | undefined => m[`nsPerByte:router:${bytes}`];

/** The largest, over the payload sizes, of row `a`'s router ns per byte over row `b`'s. */
function worstPayloadRatio(r: Results, a: string, b: string): number | undefined {
  const ratios = PAYLOAD_SIZES.map((bytes) =>
    ratioOf(routerNsPerByte(r.get('payload', a), bytes), routerNsPerByte(r.get('payload', b), bytes)),
  );
  return ratios.some((x) => x === undefined) ? undefined : Math.max(...(ratios as number[]));
}

function targets(r: Results, fanout: number, idleSessions: number): Target[] {
  const relay = r.get('rpc', Rows.relay);
  const ours = r.get('rpc', Rows.oursJson);
  return [
    ...floorTargets(r),
    {
      what: 'RPC 100 in flight, our client + router (WebSocket json) vs raw 2-hop relay',
      goal: '≥ 0.90x',
      measured: ratioOf(ours.concCallsPerS, relay.concCallsPerS),
      met: (v) => v >= 0.9,
    },
    {
      what: 'RPC 100 in flight, our client + router (WebSocket json) vs autobahn-js + fox-wamp',
      goal: '≥ 1.40x',
      measured: ratioOf(ours.concCallsPerS, r.get('rpc', Rows.autobahnFox).concCallsPerS),
      met: (v) => v >= 1.4,
    },
    {
      what: 'sequential p50, our client + router (WebSocket json) vs raw 2-hop relay',
      goal: '≤ 1.20x',
      measured: ratioOf(ours.p50Us, relay.p50Us),
      met: (v) => v <= 1.2,
    },
    {
      what: 'wservice services end to end, 100 in flight, vs raw 2-hop relay',
      goal: '≥ 0.80x',
      measured: ratioOf(r.get('rpc', Rows.servicesE2e).concCallsPerS, relay.concCallsPerS),
      met: (v) => v >= 0.8,
    },
    {
      what: 'wservice services end to end, 100 in flight, metrics + tracing on vs off',
      goal: '≥ 0.85x',
      measured: ratioOf(
        r.get('rpc', Rows.servicesObserved).concCallsPerS,
        r.get('rpc', Rows.servicesE2e).concCallsPerS,
      ),
      met: (v) => v >= 0.85,
    },
    {
      what: 'pub/sub 1 → 1 events/s, our client + router (WebSocket json) vs raw 2-hop relay',
      goal: '≥ 0.80x',
      measured: ratioOf(
        r.get('pubsub', Rows.oursJson).deliveriesPerS,
        r.get('pubsub', Rows.relay).deliveriesPerS,
      ),
      met: (v) => v >= 0.8,
    },
    {
      what: 'pub/sub 1 → 1 events/s, WebSocket json: the default realm (every PUBLISH authorized) vs a permissive one (development mode)',
      goal: '≥ 0.95x',
      measured: ratioOf(
        r.get('pubsub', Rows.oursJson).deliveriesPerS,
        r.get('pubsub', Rows.oursPermissive).deliveriesPerS,
      ),
      met: (v) => v >= 0.95,
    },
    {
      what: `fan-out 1 → ${fanout}: EVENT serializations per publication in our router`,
      goal: '= 1',
      measured: r.get('pubsub', Rows.oursJson, fanout).encodesPerEvent,
      met: (v) => v === 1,
    },
    {
      what: 'in-process service calls/s (100 in flight) vs the same call over WebSocket (end to end)',
      goal: '≥ 10x',
      measured: ratioOf(
        r.get('rpc', Rows.inProcess).concCallsPerS,
        r.get('rpc', Rows.servicesE2e).concCallsPerS,
      ),
      met: (v) => v >= 10,
    },
    {
      what: `${fmt(idleSessions)} idle sessions: our router's RSS per session (KB)`,
      goal: '≤ 30',
      measured: r.get('idle', Rows.oursIdle).rssKbPerSession,
      met: (v) => v <= 30,
    },
  ];
}

function header(info: RunInfo): string[] {
  const cpu = cpus();
  return [
    '# wservice benchmark',
    '',
    `- date: ${new Date().toISOString()}`,
    `- machine: ${hostname()}, ${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${process.platform} ${process.arch}`,
    `- node ${process.version}; ${versions()}`,
    `- ${info.rounds} interleaved round(s), medians; ${info.quick ? 'QUICK run (small counts)' : 'full run'}: ${info.counts}`,
    ...(BENCH_PERMISSIVE
      ? [
          '- BENCH_PERMISSIVE=1: every router of this run in its development mode (no authorization work per message)',
        ]
      : []),
    "- every role in its own process on 127.0.0.1 unless the row says otherwise; ratios are to the raw 2-hop relay of this run, to the batching floor of the row's transport (WebSocket or TCP) and to the fastest third-party row doing the same job (in-process or remote)",
  ];
}

function rpcTable(scenarios: Scenario[], r: Results): string[] {
  const relay = r.get('rpc', Rows.relay);
  const lines = [
    '',
    '## RPC (`bench.echo("hello world")`)',
    '',
    '| scenario | seq p50 µs | seq p99 µs | seq calls/s | 100 in flight calls/s | 100 in flight vs relay | p50 vs relay | 100 in flight vs batching floor | p50 vs batching floor | 100 in flight vs best peer | CPU per call vs batching floor | CPU per call vs best peer | CPU µs per call (100 in flight) | peak RSS MB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
  ];
  for (const s of scenarios.filter((x): x is RpcScenario => x.kind === 'rpc')) {
    const m = r.of(s);
    const floor = floorOf(s, r);
    const peer = bestPeerOf(s, scenarios, r);
    lines.push(
      `| ${s.name} | ${fmt(m.p50Us)} | ${fmt(m.p99Us)} | ${fmt(m.seqCallsPerS)} | ${fmt(m.concCallsPerS)} | ${showRatio(ratioOf(m.concCallsPerS, relay.concCallsPerS))} | ${showRatio(ratioOf(m.p50Us, relay.p50Us))} | ${showRatio(ratioOf(m.concCallsPerS, floor?.concCallsPerS))} | ${showRatio(ratioOf(m.p50Us, floor?.p50Us))} | ${showRatio(ratioOf(m.concCallsPerS, peer?.concCallsPerS))} | ${showRatio(ratioOf(freshCpuUs(m), floor && freshCpuUs(floor)))} | ${showRatio(ratioOf(freshCpuUs(m), peer && freshCpuUs(peer)))} | ${cpuColumn(m)} | ${peakColumn(m)} |`,
    );
  }
  return lines;
}

/**
 * Latency at one call in flight, in the fresh processes (the RPC table's columns: after a
 * tenth of the calls of warm-up) and again after the 100-in-flight phase, once the JIT has
 * compiled the path: the first measure includes the warm-up of every process's code, the
 * second what a long-running service sees; then the same with every process of the row on one
 * CPU (`run.ts` `onOneCpu`), which takes the machine's wake-up latencies out of the figure.
 */
function sequentialTable(scenarios: Scenario[], r: Results): string[] {
  const rows = scenarios.filter((x): x is RpcScenario => x.kind === 'rpc' && r.of(x).warmP50Us !== undefined);
  if (rows.length === 0) return [];
  const lines = [
    '',
    '## Sequential latency (1 in flight): fresh processes, after the 100-in-flight phase, and on one CPU',
    '',
    '| scenario | fresh p50 µs | fresh p50 vs batching floor | warm p50 µs | warm p99 µs | warm p50 vs batching floor | warm on one CPU p50 µs | on one CPU vs batching floor |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const s of rows) {
    const m = r.of(s);
    const floor = floorOf(s, r);
    lines.push(
      `| ${s.name} | ${fmt(m.p50Us)} | ${showRatio(ratioOf(m.p50Us, floor?.p50Us))} | ${fmt(m.warmP50Us)} | ${fmt(m.warmP99Us)} | ${showRatio(ratioOf(m.warmP50Us, floor?.warmP50Us))} | ${fmt(m.pinnedP50Us)} | ${showRatio(ratioOf(m.pinnedP50Us, floor?.pinnedP50Us))} |`,
    );
  }
  return lines;
}

function longLivedTable(scenarios: Scenario[], r: Results, warmup: number): string[] {
  const rows = scenarios.filter((x): x is RpcScenario => x.kind === 'rpc' && x.longLived === true);
  if (rows.length === 0) return [];
  const lines = [
    '',
    '## Long-lived process (100 in flight; CPU µs per call summed over the processes)',
    '',
    `| scenario | fresh calls/s | fresh CPU µs | after full GC calls/s | after full GC CPU µs | GC vs fresh (CPU) | after ${fmt(warmup)} more calls calls/s | CPU µs | warmed vs fresh (CPU) |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const s of rows) {
    const m = r.of(s);
    lines.push(
      `| ${s.name} | ${fmt(m.concCallsPerS)} | ${fmt(freshCpuUs(m), 1)} | ${fmt(m.longLivedGcCallsPerS)} | ${fmt(m.longLivedGcCpuUs, 1)} | ${showRatio(longLivedRatio(m, 'Gc'))} | ${fmt(m.longLivedWarmCallsPerS)} | ${fmt(m.longLivedWarmCpuUs, 1)} | ${showRatio(longLivedRatio(m, 'Warm'))} |`,
    );
  }
  return lines;
}

const sizeName = (bytes: number): string =>
  bytes >= 2 ** 20 ? `${bytes / 2 ** 20} MiB` : `${bytes / 1024} KiB`;

function payloadTable(scenarios: Scenario[], r: Results): string[] {
  const rows = scenarios.filter((x): x is PayloadScenario => x.kind === 'payload');
  if (rows.length === 0) return [];
  const lines = [
    '',
    '## Payload size (`bench.echo(lines)`, order lines of 64 KiB-1 MiB of JSON; CPU ns per byte of the CALL frame as the row serializes it)',
    '',
    '| scenario | argument | calls/s | router ns/B | router vs batching floor | ns/B by process |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const s of rows) {
    const m = r.of(s);
    const floor = r.get('payload', s.link === 'ws' ? Rows.batchingWs : Rows.batchingTcp);
    for (const bytes of PAYLOAD_SIZES) {
      const own = Object.entries(m)
        .filter(([k]) => k.startsWith('nsPerByte:') && k.endsWith(`:${bytes}`))
        .map(([k, v]) => `${k.split(':')[1]} ${fmt(v, 1)}`)
        .join(' · ');
      lines.push(
        `| ${s.name} | ${sizeName(bytes)} | ${fmt(m[`calls:${bytes}`])} | ${fmt(routerNsPerByte(m, bytes), 1)} | ${showRatio(ratioOf(routerNsPerByte(m, bytes), routerNsPerByte(floor, bytes)))} | ${own || '—'} |`,
      );
    }
  }
  return lines;
}

function httpTable(scenarios: Scenario[], r: Results): string[] {
  const http = scenarios.filter((x) => x.kind === 'http');
  if (http.length === 0) return [];
  const plain = r.get('http', Rows.httpPlain);
  const lines = [
    '',
    '## HTTP (`POST` of `{"text": "hello world"}` answered as JSON, keep-alive agent)',
    '',
    '| scenario | seq p50 µs | seq p99 µs | seq requests/s | 100 in flight requests/s | 100 in flight vs node:http | p50 vs node:http | CPU µs per request (100 in flight) | peak RSS MB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
  ];
  for (const s of http) {
    const m = r.of(s);
    lines.push(
      `| ${s.name} | ${fmt(m.p50Us)} | ${fmt(m.p99Us)} | ${fmt(m.seqCallsPerS)} | ${fmt(m.concCallsPerS)} | ${showRatio(ratioOf(m.concCallsPerS, plain.concCallsPerS))} | ${showRatio(ratioOf(m.p50Us, plain.p50Us))} | ${cpuColumn(m)} | ${peakColumn(m)} |`,
    );
  }
  return lines;
}

function pubSubTable(scenarios: Scenario[], r: Results): string[] {
  const lines = [
    '',
    '## Publish / subscribe (`bench.topic`, `["hello world"]`, no acknowledge)',
    '',
    '| scenario | subscribers | deliveries/s | all arrived | vs relay (same fan-out) | EVENT encodes per publication | CPU µs per delivery | peak RSS MB |',
    '| --- | ---: | ---: | :---: | ---: | ---: | --- | --- |',
  ];
  for (const s of scenarios) {
    if (s.kind !== 'pubsub') continue;
    const m = r.of(s);
    const relay = r.get('pubsub', Rows.relay, s.subscribers);
    const arrived = m.arrivedPct === 100 ? 'yes' : `NO (${fmt(m.arrivedPct, 1)}%)`;
    lines.push(
      `| ${s.name} | ${s.subscribers} | ${fmt(m.deliveriesPerS)} | ${arrived} | ${showRatio(ratioOf(m.deliveriesPerS, relay.deliveriesPerS))} | ${fmt(m.encodesPerEvent, 2)} | ${cpuColumn(m)} | ${peakColumn(m)} |`,
    );
  }
  return lines;
}

function idleTable(scenarios: Scenario[], r: Results): string[] {
  const idle = scenarios.filter((x) => x.kind === 'idle');
  if (idle.length === 0) return [];
  const lines = [
    '',
    '## Idle sessions (server RSS and heap growth after a GC, divided by the sessions)',
    '',
    '| scenario | sessions | server RSS KB per session | server heap KB per session | peak RSS MB |',
    '| --- | ---: | ---: | ---: | --- |',
  ];
  for (const s of idle) {
    const m = r.of(s);
    lines.push(
      `| ${s.name} | ${fmt(m.opened)} | ${fmt(m.rssKbPerSession, 1)} | ${fmt(m.heapKbPerSession, 1)} | ${peakColumn(m)} |`,
    );
  }
  return lines;
}

function targetTable(r: Results, fanout: number, idleSessions: number): string[] {
  const lines = [
    '',
    '## Targets',
    '',
    '| target | goal | measured | met | calls/s ratio read from CPU µs per call |',
    '| --- | --- | ---: | :---: | ---: |',
  ];
  for (const t of targets(r, fanout, idleSessions)) {
    const measured =
      t.measured === undefined ? '—' : t.goal.endsWith('x') ? showRatio(t.measured) : fmt(t.measured, 2);
    const bothMet =
      t.measured !== undefined && t.met(t.measured) && (t.byCpu === undefined || t.met(t.byCpu));
    const met = t.measured === undefined ? 'not measured' : bothMet ? 'yes' : 'NO';
    lines.push(`| ${t.what} | ${t.goal} | ${measured} | ${met} | ${showRatio(t.byCpu)} |`);
  }
  return lines;
}

/** The markdown report: header, one table per workload, the targets. */
export function renderReport(
  scenarios: Scenario[],
  medians: Map<string, Sample>,
  info: RunInfo,
  shape: { fanout: number; idleSessions: number; longLivedWarmup: number },
): string {
  const r = new Results(medians);
  return [
    ...header(info),
    ...targetTable(r, shape.fanout, shape.idleSessions),
    ...rpcTable(scenarios, r),
    ...sequentialTable(scenarios, r),
    ...payloadTable(scenarios, r),
    ...httpTable(scenarios, r),
    ...longLivedTable(scenarios, r, shape.longLivedWarmup),
    ...pubSubTable(scenarios, r),
    ...idleTable(scenarios, r),
    '',
  ].join('\n');
}

/** Package versions as installed (read from node_modules: some packages do not export package.json). */
function versions(): string {
  const root = join(__dirname, '..', '..', '..');
  const version = (dir: string): string => {
    try {
      return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return '?';
    }
  };
  const pkgs = ['ws', 'msgpackr', 'autobahn', 'fox-wamp'].map(
    (p) => `${p} ${version(join(root, 'node_modules', p))}`,
  );
  return [`wservice ${version(root)} (${commit()})`, ...pkgs].join(', ');
}

function commit(): string {
  try {
    const head = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    const dirty = execSync('git status --porcelain -- src', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    return dirty ? `${head}, src modified` : head;
  } catch {
    return 'no git';
  }
}
