import { openClient } from '../lib/wservice';
import type { Role } from './entry';

/**
 * Mixed load for the soak: a callee, a caller with calls in flight, a publisher and a
 * subscriber, and sessions that join, call, subscribe and leave, over and over, for `seconds`.
 */
export default async function soakDriver(args: Record<string, unknown>): Promise<Role> {
  const url = String(args.url);
  const callee = await openClient({ url });
  await callee.register('soak.echo', (callArgs) => callArgs[0]);
  const subscriber = await openClient({ url, serializer: 'msgpack' });
  let events = 0;
  await subscriber.subscribe('soak.news', () => void events++);
  const caller = await openClient({ url, serializer: 'msgpack' });
  return {
    commands: {
      run: async (a) => {
        const until = Date.now() + Number(a.seconds) * 1000;
        let calls = 0;
        let sessions = 0;
        const callLoop = async (): Promise<void> => {
          while (Date.now() < until) {
            await Promise.all(Array.from({ length: 20 }, () => caller.call('soak.echo', ['x'.repeat(200)])));
            await caller.publish('soak.news', [{ n: calls }]);
            calls += 20;
          }
        };
        const churn = async (): Promise<void> => {
          while (Date.now() < until) {
            const client = await openClient({ url });
            await client.subscribe('soak.news', () => undefined);
            await client.call('soak.echo', [sessions]);
            await client.close();
            sessions++;
          }
        };
        await Promise.all([callLoop(), callLoop(), churn()]);
        return { calls, events, sessions };
      },
    },
    close: async () => {
      await Promise.all([caller.close(), subscriber.close(), callee.close()]);
    },
  };
}
