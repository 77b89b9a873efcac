import type { Client } from '../../src/client';
import { DeliveryCounter } from '../lib/deliveries';
import { openClient } from '../lib/wservice';
import type { Role } from './entry';

/**
 * `sessions` clients of ours subscribed to `bench.topic` (or, with `match: 'prefix'`, to the
 * prefix `bench.`), counting deliveries across all.
 */
export default async function wampSubscriber(args: Record<string, unknown>): Promise<Role> {
  const counter = new DeliveryCounter();
  const clients: Client[] = [];
  for (let i = 0; i < Number(args.sessions ?? 1); i++) {
    const client = await openClient(args);
    if (args.match === 'prefix') await client.subscribe('bench.', counter.count, { match: 'prefix' });
    else await client.subscribe('bench.topic', counter.count);
    clients.push(client);
  }
  return {
    commands: counter.commands,
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}
