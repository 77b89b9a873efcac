import { openClient } from '../lib/wservice';
import type { Role } from './entry';

/**
 * Our client as callee: registers `bench.echo` (or, with `match: 'prefix'`, the prefix
 * `bench.`), returning its first argument.
 */
export default async function wampCallee(args: Record<string, unknown>): Promise<Role> {
  const client = await openClient(args);
  if (args.match === 'prefix') await client.register('bench.', (a) => a[0], { match: 'prefix' });
  else await client.register('bench.echo', (a) => a[0]);
  return { close: () => client.close() };
}
