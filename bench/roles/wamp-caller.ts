import type { Client } from '../../src/client';
import { serializerByName } from '../../src/protocol/serializers';
import { openClient } from '../lib/wservice';
import { callerCommands, payloadCommands } from '../lib/workload';
import type { Role } from './entry';

/**
 * Our client as caller of `bench.echo`. With `sessions` > 1 it opens that many sessions and
 * each call takes one that has none in flight (the row of 100 sessions sharing 100 calls in
 * flight: one call per session, so the router cannot batch a session's writes).
 */
export default async function wampCaller(args: Record<string, unknown>): Promise<Role> {
  const sessions = Number(args.sessions ?? 1);
  const clients: Client[] = [];
  // 32 at a time: the router closes the oldest of more than 64 links pending from one address.
  while (clients.length < sessions) {
    const batch = Math.min(32, sessions - clients.length);
    clients.push(...(await Promise.all(Array.from({ length: batch }, () => openClient(args)))));
  }
  const idle: Client[] = [...clients];
  const call = async (argument: unknown): Promise<unknown> => {
    // More calls in flight than sessions: the extra ones share the first session.
    const taken = idle.pop();
    try {
      return await (taken ?? clients[0]).call('bench.echo', [argument]);
    } finally {
      if (taken !== undefined) idle.push(taken);
    }
  };
  const roundTrip = (): Promise<unknown> =>
    sessions === 1 ? clients[0].call('bench.echo', ['hello world']) : call('hello world');
  const serializer = serializerByName(String(args.serializer ?? 'json'))!;
  const frameBytes = (argument: unknown): number => {
    const frame = serializer.serialize([48, 1, {}, 'bench.echo', [argument]]);
    return typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length;
  };
  return {
    commands: { ...callerCommands(roundTrip), ...payloadCommands(call, frameBytes) },
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}
