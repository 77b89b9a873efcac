import { startRole } from './lib/proc';
import type { MemoryReading } from './roles/entry';
import { median } from './lib/stats';

/**
 * The `patterns` scenario (issue 16, run only when `--only` names it: `npm run bench -- --only
 * patterns`): the CPU a call and an acknowledged publication cost, in one process with our
 * client and router, as the number of wildcard registrations and subscriptions of the same
 * component count grows from 10 to 100,000. Flat means the router's lookup does not scan them.
 */
export const PATTERNS_SCENARIO = 'patterns: wildcard registrations and subscriptions';

/** `BENCH_PATTERN_SIZES=10,1000` overrides them (the first is the row the others are compared with). */
const SIZES = (process.env.BENCH_PATTERN_SIZES ?? '10,1000,100000').split(',').map(Number);

/** The row of `SIZES[0]` patterns with the largest row's heap held besides. */
const BALLAST = -1;

/** Measured windows per process and operation, each after a full collection (see the role). */
const WINDOWS = 3;

/** What one operation measured at one size: every window of every round. */
interface Samples {
  /** The median window of each round. */
  rounds: number[];
  /** Every window, for the spread. */
  windows: number[];
}

function record(samples: Map<number, Samples>, patterns: number, windows: number[]): void {
  const entry = samples.get(patterns) ?? { rounds: [], windows: [] };
  entry.rounds.push(median(windows));
  entry.windows.push(...windows);
  samples.set(patterns, entry);
}

/** `median (min-max)` of one size's windows, in µs. */
function cell(samples: Samples): string {
  const value = median(samples.rounds);
  return `${value.toFixed(2)} (${Math.min(...samples.windows).toFixed(2)}-${Math.max(...samples.windows).toFixed(2)})`;
}

/** `count` operations a window: 200,000 at full counts (a window of 50-400 ms; 20,000 was shorter than its noise). */
export async function runPatterns(rounds: number, count: number): Promise<string> {
  /** By row: a pattern count, or `BALLAST` (the first count with the last one's heap). */
  const calls = new Map<number, Samples>();
  const publishes = new Map<number, Samples>();
  const heapMb = new Map<number, number[]>();
  /** One process: set up, measured, its heap after set-up recorded. */
  async function measureRow(row: number, args: { patterns: number; ballastMb?: number }): Promise<void> {
    const role = await startRole('wamp-patterns', args, { label: 'process' });
    await role.request('prepare');
    const { heapUsedKb } = await role.request<MemoryReading>('memory');
    heapMb.set(row, [...(heapMb.get(row) ?? []), heapUsedKb / 1024]);
    record(calls, row, await role.request<number[]>('call', { count, windows: WINDOWS }));
    record(publishes, row, await role.request<number[]>('publish', { count, windows: WINDOWS }));
    await role.stop();
  }
  const smallest = SIZES[0];
  const largest = SIZES[SIZES.length - 1];
  for (let round = 1; round <= rounds; round++) {
    for (const patterns of SIZES) {
      process.stderr.write(`round ${round}/${rounds}: ${PATTERNS_SCENARIO} (${patterns})\n`);
      await measureRow(patterns, { patterns });
    }
    if (largest === smallest) continue;
    // What the largest row's heap costs without its patterns: the smallest row, holding as many
    // MB of other objects as the largest row's set-up added.
    const ballastMb = Math.round(median(heapMb.get(largest)!) - median(heapMb.get(smallest)!));
    process.stderr.write(`round ${round}/${rounds}: ${PATTERNS_SCENARIO} (${smallest} + ${ballastMb} MB)\n`);
    await measureRow(BALLAST, { patterns: smallest, ballastMb });
  }
  const call0 = median(calls.get(smallest)!.rounds);
  const publish0 = median(publishes.get(smallest)!.rounds);
  const rowNames = new Map(SIZES.map((patterns) => [patterns, patterns.toLocaleString('en-US')]));
  if (calls.has(BALLAST)) {
    const extra = median(heapMb.get(BALLAST)!) - median(heapMb.get(smallest)!);
    rowNames.set(BALLAST, `${smallest.toLocaleString('en-US')} + ${extra.toFixed(0)} MB of other objects`);
  }
  const rows = [...rowNames].map(([row, name]) => {
    const call = calls.get(row)!;
    const publish = publishes.get(row)!;
    return (
      `| ${name} | ${median(heapMb.get(row)!).toFixed(0)} | ${cell(call)} | ${(median(call.rounds) / call0).toFixed(2)}x | ` +
      `${cell(publish)} | ${(median(publish.rounds) / publish0).toFixed(2)}x |`
    );
  });
  return [
    '## Wildcard patterns: call and publish cost as patterns grow',
    '',
    `Our client and router in one process; N wildcard registrations and N wildcard subscriptions of the same component count that do not match, one of each that does; windows of ${count} sequential calls of \`bench.a.echo\` and \`bench.b.echo\` in turn and acknowledged publications to \`bench.a.topic\` and \`bench.b.topic\` (two URIs, so no memo of the last one answers), after one unmeasured window, each after a full collection and a wait for the collector's threads; CPU µs per operation, median of ${rounds} round(s) of the median of ${WINDOWS} windows (min-max of every window). Goal: within 20 % of the 10-pattern row up to 100k. Heap: used after set-up and a full collection. The last row has the first row's patterns and as many MB of objects unrelated to the router as the largest row's set-up added: what a heap that size costs by itself.`,
    '',
    '| wildcard patterns | heap MB | call CPU µs | vs 10 | publish CPU µs | vs 10 |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
  ].join('\n');
}
