import { IdTable } from '../../src/protocol/id-table';
import type { Role } from '../roles/entry';
import { payloadOf } from './payload';
import { quantile } from './stats';

/** One request/response round trip of the system under test. */
export type RoundTrip = () => Promise<unknown>;

export interface SequentialResult {
  p50Us: number;
  p99Us: number;
  callsPerSecond: number;
}

/**
 * Round trips of a floor caller, matched by request id: `send(id)` sends request `id`, and
 * `answered(id)` is called with the id of each reply read (parsed, as any WAMP client must).
 */
export function idMatchedRoundTrips(send: (id: number) => void): {
  roundTrip: () => Promise<void>;
  answered: (id: number) => void;
} {
  // Not a Map: one with an insert and a delete per call falls into a slow GC regime (issue 16).
  const pending = new IdTable<() => void>();
  let nextId = 0;
  return {
    roundTrip: () =>
      new Promise((resolve) => {
        const id = ++nextId;
        pending.set(id, resolve);
        send(id);
      }),
    answered: (id) => {
      const done = pending.get(id);
      pending.delete(id);
      done?.();
    },
  };
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

/** Runs `total` tasks with at most `parallel` of them running at any time. */
export async function runWindow(
  task: () => Promise<unknown>,
  total: number,
  parallel: number,
): Promise<void> {
  let started = 0;
  const lane = async (): Promise<void> => {
    while (started < total) {
      started++;
      await task();
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, total) }, lane));
}

/** The commands of every caller role: `sequential {count, warmup}` and `concurrent {total, inFlight, warmup}`. */
export function callerCommands(roundTrip: RoundTrip): NonNullable<Role['commands']> {
  return {
    sequential: (a) => sequential(roundTrip, Number(a.count), Number(a.warmup)),
    concurrent: (a) => concurrent(roundTrip, Number(a.total), Number(a.inFlight), Number(a.warmup)),
  };
}

/** What the `payload` command answers: calls/s, and the bytes of one CALL frame as this role sends it. */
export interface PayloadResult {
  callsPerS: number;
  frameBytes: number;
}

/**
 * The command of the payload-size rows, `payload {bytes, calls, inFlight, warmup}`: `calls`
 * calls of `call(argument)` with `inFlight` outstanding, after `warmup` ones, the argument being
 * `payloadOf(bytes)`; `frameBytes(argument)` says how long this role's CALL frame of it is.
 */
export function payloadCommands(
  call: (argument: unknown) => Promise<unknown>,
  frameBytes: (argument: unknown) => number,
): NonNullable<Role['commands']> {
  return {
    payload: async (a): Promise<PayloadResult> => {
      const argument = payloadOf(Number(a.bytes));
      const roundTrip = (): Promise<unknown> => call(argument);
      const callsPerS = await concurrent(roundTrip, Number(a.calls), Number(a.inFlight), Number(a.warmup));
      return { callsPerS, frameBytes: frameBytes(argument) };
    },
  };
}

/**
 * The command of the client publisher roles, `publish {count}`: fire-and-forget publications,
 * yielding to the event loop every 1000 so the socket drains.
 */
export function publisherCommands(publishOne: () => unknown): NonNullable<Role['commands']> {
  return {
    publish: async (a) => {
      const count = Number(a.count);
      for (let i = 1; i <= count; i++) {
        void publishOne();
        if (i % 1000 === 0) await new Promise((r) => setImmediate(r));
      }
      return count;
    },
  };
}
