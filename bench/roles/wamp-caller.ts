import { openClient } from '../lib/wservice';
import { concurrent, sequential } from '../lib/workload';
import type { Role } from './entry';

/** Our client as caller of `bench.echo`. */
export default async function wampCaller(args: Record<string, unknown>): Promise<Role> {
  const client = await openClient(args);
  const roundTrip = (): Promise<unknown> => client.call('bench.echo', ['hello world']);
  return {
    commands: {
      sequential: (a) => sequential(roundTrip, Number(a.count), Number(a.warmup)),
      concurrent: (a) => concurrent(roundTrip, Number(a.total), Number(a.inFlight), Number(a.warmup)),
    },
    close: () => client.close(),
  };
}
