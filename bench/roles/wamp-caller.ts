import { openClient } from '../lib/wservice';
import { callerCommands } from '../lib/workload';
import type { Role } from './entry';

/** Our client as caller of `bench.echo`. */
export default async function wampCaller(args: Record<string, unknown>): Promise<Role> {
  const client = await openClient(args);
  const roundTrip = (): Promise<unknown> => client.call('bench.echo', ['hello world']);
  return {
    commands: callerCommands(roundTrip),
    close: () => client.close(),
  };
}
