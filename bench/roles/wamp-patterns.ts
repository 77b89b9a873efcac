import { Router } from '../../src/router';
import { openInProcessClient } from '../lib/wservice';
import type { Role } from './entry';

/** Registered (or subscribed) at a time while the noise patterns are set up. */
const BATCH = 1000;

/**
 * Our router and client in one process (in-process links), with `patterns` wildcard
 * registrations and as many wildcard subscriptions of the call's and the event's component
 * count that do not match (`p<i>..echo`, `p<i>..topic`), and one that does (`bench..echo`,
 * `bench..topic`). `measure` calls `bench.x.echo` or publishes `bench.x.topic` (acknowledged,
 * so it is routed before the next) `count` times one after another and returns the process's
 * CPU per operation, in µs: what resolving a URI against the patterns costs beside the rest.
 */
export default async function wampPatterns(args: Record<string, unknown>): Promise<Role> {
  const patterns = Number(args.patterns ?? 10);
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
  }

  async function measure(operation: () => Promise<unknown>, count: number): Promise<number> {
    for (let i = 0; i < Math.min(1000, count); i++) await operation();
    const before = process.cpuUsage();
    for (let i = 0; i < count; i++) await operation();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / count;
  }

  return {
    commands: {
      prepare,
      call: (a) => measure(() => caller.call('bench.x.echo', ['hello world']), Number(a.count)),
      publish: (a) =>
        measure(
          () => caller.publish('bench.x.topic', ['hello world'], {}, { acknowledge: true }),
          Number(a.count),
        ),
      events: () => events,
    },
    close: async () => {
      await Promise.all([caller.close(), callee.close(), subscriber.close()]);
      await router.stop();
    },
  };
}
