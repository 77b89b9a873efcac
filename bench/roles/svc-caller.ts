import type { BenchOrder, BenchService } from '../lib/bench-service';
import { openClient } from '../lib/wservice';
import { callerCommands } from '../lib/workload';
import type { Role } from './entry';

const ORDER: BenchOrder = {
  id: 'order-1',
  items: [
    { sku: 'apple', qty: 2 },
    { sku: 'pear', qty: 1 },
    { sku: 'fig', qty: 5 },
  ],
};

/**
 * A typed proxy of BenchService, as an application would use it: `bench.echo` by default,
 * `bench.place` with a three-line order when `procedure` is `place`.
 */
export default async function svcCaller(args: Record<string, unknown>): Promise<Role> {
  const client = await openClient(args);
  const bench = client.proxy<BenchService>('bench');
  const roundTrip =
    args.procedure === 'place'
      ? (): Promise<unknown> => bench.place(ORDER)
      : (): Promise<unknown> => bench.echo('hello world');
  return {
    commands: callerCommands(roundTrip),
    close: () => client.close(),
  };
}
