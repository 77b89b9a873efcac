import { openAutobahn } from '../lib/autobahn';
import type { Role } from './entry';

/** autobahn-js callee: registers `bench.echo`, returning its first argument. */
export default async function abCallee(args: Record<string, unknown>): Promise<Role> {
  const session = await openAutobahn(String(args.url), { serializer: args.serializer as 'json' | undefined });
  await session.register('bench.echo', (a?: unknown[]) => a?.[0]);
  return { close: () => session.leave('wamp.close.normal', '') };
}
