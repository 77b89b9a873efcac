import { startRole } from './lib/proc';
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
  const calls = new Map<number, Samples>();
  const publishes = new Map<number, Samples>();
  for (let round = 1; round <= rounds; round++) {
    for (const patterns of SIZES) {
      process.stderr.write(`round ${round}/${rounds}: ${PATTERNS_SCENARIO} (${patterns})\n`);
      const role = await startRole('wamp-patterns', { patterns }, { label: 'process' });
      await role.request('prepare');
      record(calls, patterns, await role.request<number[]>('call', { count, windows: WINDOWS }));
      record(publishes, patterns, await role.request<number[]>('publish', { count, windows: WINDOWS }));
      await role.stop();
    }
  }
  const call0 = median(calls.get(SIZES[0])!.rounds);
  const publish0 = median(publishes.get(SIZES[0])!.rounds);
  const rows = SIZES.map((patterns) => {
    const call = calls.get(patterns)!;
    const publish = publishes.get(patterns)!;
    return (
      `| ${patterns.toLocaleString('en-US')} | ${cell(call)} | ${(median(call.rounds) / call0).toFixed(2)}x | ` +
      `${cell(publish)} | ${(median(publish.rounds) / publish0).toFixed(2)}x |`
    );
  });
  return [
    '## Wildcard patterns: call and publish cost as patterns grow',
    '',
    `Our client and router in one process; N wildcard registrations and N wildcard subscriptions of the same component count that do not match, one of each that does; windows of ${count} sequential calls of \`bench.x.echo\` and acknowledged publications of \`bench.x.topic\`, after one unmeasured window, each after a full collection and a wait for the collector's threads; CPU µs per operation, median of ${rounds} round(s) of the median of ${WINDOWS} windows (min-max of every window). Goal: within 20 % of the 10-pattern row up to 100k.`,
    '',
    '| wildcard patterns | call CPU µs | vs 10 | publish CPU µs | vs 10 |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
  ].join('\n');
}
