import { Router } from '../../src/router';
import { openInProcessClient } from '../lib/wservice';
import type { Role } from './entry';

/**
 * Called and published to in turn: two URIs matched by the same pattern, so that neither the
 * dealer's memo of its last call target nor the subscription table's of its last topic answers,
 * and every operation looks its URI up in the patterns.
 */
const PROCEDURES = ['bench.a.echo', 'bench.b.echo'];
const TOPICS = ['bench.a.topic', 'bench.b.topic'];

/** Registered (or subscribed) at a time while the noise patterns are set up. */
const BATCH = 1000;

/** Waits this long at a time for the process to go quiet after a full collection. */
const SETTLE_STEP_MS = 20;
/** Quiet: under this much CPU (all threads) in a step, i.e. under 10 % of one core. */
const SETTLE_QUIET_US = 2000;
/** Gives up waiting after this long (a busy machine may never look quiet). */
const SETTLE_LIMIT_MS = 3000;

/**
 * A full collection, then a wait until the collector's background threads are done with it.
 * `process.cpuUsage` counts every thread, and after a forced collection of the 100k-pattern
 * heap (~300 MB) its concurrent sweeping would otherwise land in the measured window: 0.8 µs a
 * call instead of 0.35 in the first 200,000 calls after it, in a process that calls at 0.3.
 */
async function collectAndSettle(): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  while (Date.now() < deadline) {
    const before = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, SETTLE_STEP_MS));
    const used = process.cpuUsage(before);
    if (used.user + used.system < SETTLE_QUIET_US) return;
  }
}

/**
 * About `mb` MB of long-lived objects that have nothing to do with the router (a string and a
 * `Map` each, the shapes the patterns' heap is made of): a process with few patterns and a heap
 * the size of the 100k-pattern one tells what the heap's size costs by itself.
 */
function heldBesides(mb: number): unknown[] {
  const held: unknown[] = [];
  const target = process.memoryUsage().heapUsed + mb * 1024 * 1024;
  while (process.memoryUsage().heapUsed < target) {
    for (let i = 0; i < 10_000; i++)
      held.push({ id: held.length, name: `b${held.length}`, index: new Map() });
  }
  return held;
}

/**
 * Our router and client in one process (in-process links), with `patterns` wildcard
 * registrations and as many wildcard subscriptions of the call's and the event's component
 * count that do not match (`p<i>..echo`, `p<i>..topic`), and one that does (`bench..echo`,
 * `bench..topic`). `call` calls `bench.a.echo` and `bench.b.echo` in turn, `publish` publishes
 * to `bench.a.topic` and `bench.b.topic` (acknowledged, so it is routed before the next),
 * `count` times one after another, `windows`
 * times, after one unmeasured window (the JIT settles over the first tens of thousands) and
 * each after a full collection and a quiet wait (`collectAndSettle`): set-up garbage is not the
 * operation's. Returns the process's CPU per operation of each window, in µs: what resolving a
 * URI against the patterns costs beside the rest.
 */
export default async function wampPatterns(args: Record<string, unknown>): Promise<Role> {
  const patterns = Number(args.patterns ?? 10);
  /** MB of long-lived objects besides the patterns (see `heldBesides`). */
  const ballastMb = Number(args.ballastMb ?? 0);
  let ballast: unknown[] = [];
  const router = await Router.start({ listeners: [] });
  const callee = await openInProcessClient(router);
  const subscriber = await openInProcessClient(router);
  const caller = await openInProcessClient(router);
  let events = 0;
  /** The patterns, set up by a command: 100k of them take longer than a role's start may. */
  async function prepare(): Promise<void> {
    for (let i = 0; i < patterns; i += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, patterns - i) }, (_, j) => i + j);
      await Promise.all(
        batch.flatMap((n) => [
          callee.register(`p${n}..echo`, () => null, { match: 'wildcard' }),
          subscriber.subscribe(`p${n}..topic`, () => undefined, { match: 'wildcard' }),
        ]),
      );
    }
    await callee.register('bench..echo', (a) => a[0], { match: 'wildcard' });
    await subscriber.subscribe('bench..topic', () => void events++, { match: 'wildcard' });
    ballast = heldBesides(ballastMb);
  }

  async function measure(
    operation: (i: number) => Promise<unknown>,
    count: number,
    windows: number,
  ): Promise<number[]> {
    for (let i = 0; i < count; i++) await operation(i);
    const perOperation: number[] = [];
    for (let window = 0; window < windows; window++) {
      await collectAndSettle();
      const before = process.cpuUsage();
      for (let i = 0; i < count; i++) await operation(i);
      const used = process.cpuUsage(before);
      perOperation.push((used.user + used.system) / count);
    }
    return perOperation;
  }

  return {
    commands: {
      prepare,
      call: (a) =>
        measure(
          (i) => caller.call(PROCEDURES[i & 1], ['hello world']),
          Number(a.count),
          Number(a.windows ?? 1),
        ),
      publish: (a) =>
        measure(
          (i) => caller.publish(TOPICS[i & 1], ['hello world'], {}, { acknowledge: true }),
          Number(a.count),
          Number(a.windows ?? 1),
        ),
      events: () => events,
      ballast: () => ballast.length,
    },
    close: async () => {
      await Promise.all([caller.close(), callee.close(), subscriber.close()]);
      await router.stop();
    },
  };
}
