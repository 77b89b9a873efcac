import { openAutobahn } from '../lib/autobahn';
import { callerCommands } from '../lib/workload';
import type { Role } from './entry';

/** autobahn-js caller of `bench.echo`. */
export default async function abCaller(args: Record<string, unknown>): Promise<Role> {
  const session = await openAutobahn(String(args.url), { serializer: args.serializer as 'json' | undefined });
  const roundTrip = (): Promise<unknown> => Promise.resolve(session.call('bench.echo', ['hello world']));
  return {
    commands: callerCommands(roundTrip),
    close: () => session.leave('wamp.close.normal', ''),
  };
}
