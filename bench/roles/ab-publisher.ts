import { openAutobahn } from '../lib/autobahn';
import type { Role } from './entry';

/** autobahn-js publisher on `bench.topic` (no acknowledge: as fast as the socket takes them). */
export default async function abPublisher(args: Record<string, unknown>): Promise<Role> {
  const session = await openAutobahn(String(args.url), { serializer: args.serializer as 'json' | undefined });
  return {
    commands: {
      publish: async (a) => {
        const count = Number(a.count);
        for (let i = 1; i <= count; i++) {
          void session.publish('bench.topic', ['hello world']);
          if (i % 1000 === 0) await new Promise((r) => setImmediate(r));
        }
        return count;
      },
    },
    close: () => session.leave('wamp.close.normal', ''),
  };
}
