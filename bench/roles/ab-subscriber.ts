import type autobahn from 'autobahn';
import { openAutobahn } from '../lib/autobahn';
import { DeliveryCounter } from '../lib/deliveries';
import type { Role } from './entry';

/** `sessions` autobahn-js subscribers on `bench.topic`, counting deliveries across all of them. */
export default async function abSubscriber(args: Record<string, unknown>): Promise<Role> {
  const counter = new DeliveryCounter();
  const sessions: autobahn.Session[] = [];
  for (let i = 0; i < Number(args.sessions ?? 1); i++) {
    const session = await openAutobahn(String(args.url), {
      serializer: args.serializer as 'json' | undefined,
    });
    await session.subscribe('bench.topic', counter.count);
    sessions.push(session);
  }
  return {
    commands: counter.commands,
    close: () => {
      for (const s of sessions) s.leave('wamp.close.normal', '');
    },
  };
}
