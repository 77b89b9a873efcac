import type { BenchService } from '../lib/bench-service';
import { openClient } from '../lib/wservice';
import { callerCommands } from '../lib/workload';
import type { Role } from './entry';

/** A typed proxy of BenchService calling `bench.echo`, as an application would. */
export default async function svcCaller(args: Record<string, unknown>): Promise<Role> {
  const client = await openClient(args);
  const bench = client.proxy<BenchService>('bench');
  const roundTrip = (): Promise<unknown> => bench.echo('hello world');
  return {
    commands: callerCommands(roundTrip),
    close: () => client.close(),
  };
}
