import { openClient } from '../lib/wservice';
import { publisherCommands } from '../lib/workload';
import type { Role } from './entry';

/** Our client publishing on `bench.topic` without acknowledge, yielding to the loop every 1000. */
export default async function wampPublisher(args: Record<string, unknown>): Promise<Role> {
  const client = await openClient(args);
  return {
    commands: publisherCommands(() => client.publish('bench.topic', ['hello world'])),
    close: () => client.close(),
  };
}
