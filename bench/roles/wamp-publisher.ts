import { openClient } from '../lib/wservice';
import type { Role } from './entry';

/** Our client publishing on `bench.topic` without acknowledge, yielding to the loop every 1000. */
export default async function wampPublisher(args: Record<string, unknown>): Promise<Role> {
  const client = await openClient(args);
  return {
    commands: {
      publish: async (a) => {
        const count = Number(a.count);
        for (let i = 1; i <= count; i++) {
          void client.publish('bench.topic', ['hello world']);
          if (i % 1000 === 0) await new Promise((r) => setImmediate(r));
        }
        return count;
      },
    },
    close: () => client.close(),
  };
}
