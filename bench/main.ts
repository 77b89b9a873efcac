/**
 * `npm run bench`: every scenario in its own processes on loopback, interleaved round by
 * round (A B C A B C ...), the median of the rounds reported with ratios to the raw 2-hop
 * relay. Prints one markdown table and writes it to bench/results/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, hostname, totalmem } from 'node:os';
import { join } from 'node:path';
import { stopAll, type Scenario } from './lib/scenario';
import { median } from './lib/stats';
import type { SequentialResult } from './lib/workload';
import { peerScenarios, RELAY_NAME, rawScenarios } from './scenarios';

interface Settings {
  rounds: number;
  sequentialCalls: number;
  concurrentCalls: number;
  inFlight: number;
  events: number;
  fanoutEvents: number;
  idleSessions: number;
}

const quick = process.argv.includes('--quick');
const settings: Settings = {
  rounds: Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 3)),
  sequentialCalls: quick ? 500 : 5000,
  concurrentCalls: quick ? 5000 : 50000,
  inFlight: 100,
  events: quick ? 5000 : 50000,
  fanoutEvents: quick ? 200 : 2000,
  idleSessions: quick ? 500 : 10000,
};

type Sample = Record<string, number>;

async function runScenario(scenario: Scenario): Promise<Sample> {
  switch (scenario.kind) {
    case 'rpc': {
      const { caller, router, processes } = await scenario.setup();
      try {
        const sample: Sample = {};
        if (!scenario.concurrentOnly) {
          const seq = await caller.request<SequentialResult>('sequential', {
            count: settings.sequentialCalls,
            warmup: Math.ceil(settings.sequentialCalls / 10),
          });
          sample.p50Us = seq.p50Us;
          sample.p99Us = seq.p99Us;
          sample.seqCallsPerS = seq.callsPerSecond;
        }
        sample.concCallsPerS = await caller.request<number>('concurrent', {
          total: settings.concurrentCalls,
          inFlight: settings.inFlight,
          warmup: Math.ceil(settings.concurrentCalls / 10),
        });
        sample.callerPeakMb = caller.peakRssKb() / 1024;
        if (router) sample.routerPeakMb = router.peakRssKb() / 1024;
        return sample;
      } finally {
        await stopAll(processes);
      }
    }
    case 'pubsub': {
      const { publisher, subscriber, router, processes } = await scenario.setup();
      try {
        const count = scenario.subscribers > 1 ? settings.fanoutEvents : settings.events;
        const deliveries = count * scenario.subscribers;
        await subscriber.request('expect', { count: deliveries });
        const start = process.hrtime.bigint();
        const done = subscriber.waitFor<number>('done', 120_000);
        await publisher.request('publish', { count });
        let arrived = 1;
        try {
          await done;
        } catch {
          arrived = 0;
        }
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        const sample: Sample = { deliveriesPerS: arrived ? deliveries / seconds : NaN, allArrived: arrived };
        sample.publisherPeakMb = publisher.peakRssKb() / 1024;
        sample.subscriberPeakMb = subscriber.peakRssKb() / 1024;
        if (router) sample.routerPeakMb = router.peakRssKb() / 1024;
        return sample;
      } finally {
        await stopAll(processes);
      }
    }
    case 'idle': {
      const { holder, router, processes } = await scenario.setup();
      try {
        const before = router.rssKb();
        await holder.request('open', { count: scenario.sessions });
        await new Promise((r) => setTimeout(r, 1000));
        const after = router.rssKb();
        return {
          kbPerSession: (after - before) / scenario.sessions,
          routerPeakMb: router.peakRssKb() / 1024,
          holderPeakMb: holder.peakRssKb() / 1024,
        };
      } finally {
        await stopAll(processes);
      }
    }
  }
}

function key(s: Scenario): string {
  return `${s.kind}: ${s.name}`;
}

async function main(): Promise<void> {
  const scenarios: Scenario[] = [...rawScenarios, ...peerScenarios];
  const samples = new Map<string, Sample[]>();
  for (let round = 1; round <= settings.rounds; round++) {
    for (const scenario of scenarios) {
      process.stderr.write(`round ${round}/${settings.rounds}: ${key(scenario)}\n`);
      const sample = await runScenario(scenario);
      samples.set(key(scenario), [...(samples.get(key(scenario)) ?? []), sample]);
    }
  }
  const medians = new Map<string, Sample>();
  for (const [name, list] of samples) {
    const metrics = new Set(list.flatMap((s) => Object.keys(s)));
    medians.set(name, Object.fromEntries([...metrics].map((m) => [m, median(list.map((s) => s[m]))])));
  }
  const report = renderReport(scenarios, medians);
  process.stdout.write(report);
  const dir = join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}${quick ? '-quick' : ''}.md`);
  writeFileSync(file, report);
  process.stderr.write(`written to ${file}\n`);
}

const fmt = (n: number | undefined, digits = 0): string =>
  n === undefined || !Number.isFinite(n)
    ? '—'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratio = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0
    ? '—'
    : `${(a / b).toFixed(2)}x`;

function renderReport(scenarios: Scenario[], medians: Map<string, Sample>): string {
  const relayRpc = medians.get(`rpc: ${RELAY_NAME}`);
  const relayPubSub = medians.get(`pubsub: ${RELAY_NAME}`);
  const lines: string[] = [];
  lines.push(`# wservice benchmark`, '');
  lines.push(`- date: ${new Date().toISOString()}`);
  lines.push(
    `- machine: ${hostname()}, ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
  );
  lines.push(`- node ${process.version}; ${versions()}`);
  lines.push(
    `- ${settings.rounds} interleaved round(s), medians; ${quick ? 'QUICK run (small counts)' : 'full run'}`,
  );
  lines.push('', '## RPC', '');
  lines.push(
    '| scenario | seq p50 µs | seq p99 µs | seq calls/s | 100 in flight calls/s | vs relay (100 in flight) | p50 vs relay | router peak MB |',
  );
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const s of scenarios.filter((x) => x.kind === 'rpc')) {
    const m = medians.get(key(s)) ?? {};
    lines.push(
      `| ${s.name} | ${fmt(m.p50Us)} | ${fmt(m.p99Us)} | ${fmt(m.seqCallsPerS)} | ${fmt(m.concCallsPerS)} | ${ratio(m.concCallsPerS, relayRpc?.concCallsPerS)} | ${ratio(m.p50Us, relayRpc?.p50Us)} | ${fmt(m.routerPeakMb, 1)} |`,
    );
  }
  lines.push('', '## Publish / subscribe', '');
  lines.push('| scenario | subscribers | deliveries/s | all arrived | vs relay | router peak MB |');
  lines.push('| --- | ---: | ---: | :---: | ---: | ---: |');
  for (const s of scenarios.filter((x) => x.kind === 'pubsub')) {
    const m = medians.get(key(s)) ?? {};
    const subs = s.kind === 'pubsub' ? s.subscribers : 0;
    lines.push(
      `| ${s.name} | ${subs} | ${fmt(m.deliveriesPerS)} | ${m.allArrived === 1 ? 'yes' : 'NO'} | ${subs === 1 ? ratio(m.deliveriesPerS, relayPubSub?.deliveriesPerS) : '—'} | ${fmt(m.routerPeakMb, 1)} |`,
    );
  }
  const idle = scenarios.filter((x) => x.kind === 'idle');
  if (idle.length > 0) {
    lines.push('', '## Idle sessions', '');
    lines.push('| scenario | sessions | router KB per session | router peak MB |');
    lines.push('| --- | ---: | ---: | ---: |');
    for (const s of idle) {
      const m = medians.get(key(s)) ?? {};
      lines.push(
        `| ${s.name} | ${s.kind === 'idle' ? s.sessions : 0} | ${fmt(m.kbPerSession, 1)} | ${fmt(m.routerPeakMb, 1)} |`,
      );
    }
  }
  lines.push('');
  return lines.join('\n');
}

function versions(): string {
  const pkgs = ['ws', 'autobahn', 'fox-wamp'];
  const found = pkgs.map((p) => {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return `${p} ${(require(`${p}/package.json`) as { version: string }).version}`;
    } catch {
      return `${p} ?`;
    }
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const own = (require('../../package.json') as { version: string }).version;
  return [`wservice ${own}`, ...found].join(', ');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
