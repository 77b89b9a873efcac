import type { BenchService } from '../lib/bench-service';
import { openClient } from '../lib/wservice';
import { concurrent, sequential } from '../lib/workload';
import type { Role } from './entry';

/** A typed proxy of BenchService calling `bench.echo`, as an application would. */
export default async function svcCaller(args: Record<string, unknown>): Promise<Role> {
  const client = await openClient(args);
  const bench = client.proxy<BenchService>('bench');
  const roundTrip = (): Promise<unknown> => bench.echo('hello world');
  return {
    commands: {
      sequential: (a) => sequential(roundTrip, Number(a.count), Number(a.warmup)),
      concurrent: (a) => concurrent(roundTrip, Number(a.total), Number(a.inFlight), Number(a.warmup)),
    },
    close: () => client.close(),
  };
}
