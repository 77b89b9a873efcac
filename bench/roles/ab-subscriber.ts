import type autobahn from 'autobahn';
import { openAutobahn } from '../lib/autobahn';
import { notify, type Role } from './entry';

/** `sessions` autobahn-js subscribers on `bench.topic`, counting deliveries across all of them. */
export default async function abSubscriber(args: Record<string, unknown>): Promise<Role> {
  const count = Number(args.sessions ?? 1);
  const sessions: autobahn.Session[] = [];
  let expected = Infinity;
  let received = 0;
  for (let i = 0; i < count; i++) {
    const session = await openAutobahn(String(args.url), {
      serializer: args.serializer as 'json' | undefined,
    });
    await session.subscribe('bench.topic', () => {
      if (++received === expected) notify('done', received);
    });
    sessions.push(session);
  }
  return {
    commands: {
      expect: (a) => {
        expected = Number(a.count);
        received = 0;
        return true;
      },
    },
    close: () => {
      for (const s of sessions) s.leave('wamp.close.normal', '');
    },
  };
}
