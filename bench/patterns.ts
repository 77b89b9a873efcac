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

export async function runPatterns(rounds: number, count: number): Promise<string> {
  const calls = new Map<number, number[]>();
  const publishes = new Map<number, number[]>();
  for (let round = 1; round <= rounds; round++) {
    for (const patterns of SIZES) {
      process.stderr.write(`round ${round}/${rounds}: ${PATTERNS_SCENARIO} (${patterns})\n`);
      const role = await startRole('wamp-patterns', { patterns }, { label: 'process' });
      await role.request('prepare');
      calls.set(patterns, [...(calls.get(patterns) ?? []), await role.request<number>('call', { count })]);
      publishes.set(patterns, [
        ...(publishes.get(patterns) ?? []),
        await role.request<number>('publish', { count }),
      ]);
      await role.stop();
    }
  }
  const call0 = median(calls.get(SIZES[0])!);
  const publish0 = median(publishes.get(SIZES[0])!);
  const rows = SIZES.map((patterns) => {
    const call = median(calls.get(patterns)!);
    const publish = median(publishes.get(patterns)!);
    return (
      `| ${patterns.toLocaleString('en-US')} | ${call.toFixed(1)} | ${(call / call0).toFixed(2)}x | ` +
      `${publish.toFixed(1)} | ${(publish / publish0).toFixed(2)}x |`
    );
  });
  return [
    '## Wildcard patterns: call and publish cost as patterns grow',
    '',
    `Our client and router in one process; N wildcard registrations and N wildcard subscriptions of the same component count that do not match, one of each that does; ${count} sequential calls of \`bench.x.echo\` and acknowledged publications of \`bench.x.topic\`, CPU µs per operation, medians of ${rounds} round(s). Goal: within 20 % of the 10-pattern row up to 100k.`,
    '',
    '| wildcard patterns | call CPU µs | vs 10 | publish CPU µs | vs 10 |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
  ].join('\n');
}
