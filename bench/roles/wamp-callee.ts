import { openClient } from '../lib/wservice';
import type { Role } from './entry';

/** Our client as callee: registers `bench.echo`, returning its first argument. */
export default async function wampCallee(args: Record<string, unknown>): Promise<Role> {
  const client = await openClient(args);
  await client.register('bench.echo', (a) => a[0]);
  return { close: () => client.close() };
}
