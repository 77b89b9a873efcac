import { quantile } from './stats';

/** One request/response round trip of the system under test. */
export type RoundTrip = () => Promise<unknown>;

export interface SequentialResult {
  p50Us: number;
  p99Us: number;
  callsPerSecond: number;
}

/** `count` round trips one after another (1 in flight), after `warmup` unmeasured ones. */
export async function sequential(
  roundTrip: RoundTrip,
  count: number,
  warmup: number,
): Promise<SequentialResult> {
  for (let i = 0; i < warmup; i++) await roundTrip();
  const latencies = new Float64Array(count);
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    await roundTrip();
    latencies[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const elapsedS = Number(process.hrtime.bigint() - start) / 1e9;
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  return { p50Us: quantile(sorted, 0.5), p99Us: quantile(sorted, 0.99), callsPerSecond: count / elapsedS };
}

/** `total` round trips with `inFlight` outstanding at any time; returns calls per second. */
export async function concurrent(
  roundTrip: RoundTrip,
  total: number,
  inFlight: number,
  warmup: number,
): Promise<number> {
  await runWindow(roundTrip, warmup, inFlight);
  const start = process.hrtime.bigint();
  await runWindow(roundTrip, total, inFlight);
  return total / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function runWindow(roundTrip: RoundTrip, total: number, inFlight: number): Promise<void> {
  let started = 0;
  const lane = async (): Promise<void> => {
    while (started < total) {
      started++;
      await roundTrip();
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, lane));
}
