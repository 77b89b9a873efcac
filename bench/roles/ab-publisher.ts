import { openAutobahn } from '../lib/autobahn';
import { publisherCommands } from '../lib/workload';
import type { Role } from './entry';

/** autobahn-js publisher on `bench.topic` (no acknowledge: as fast as the socket takes them). */
export default async function abPublisher(args: Record<string, unknown>): Promise<Role> {
  const session = await openAutobahn(String(args.url), { serializer: args.serializer as 'json' | undefined });
  return {
    commands: publisherCommands(() => session.publish('bench.topic', ['hello world'])),
    close: () => session.leave('wamp.close.normal', ''),
  };
}
