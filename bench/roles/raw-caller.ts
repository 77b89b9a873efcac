import WebSocket from 'ws';
import { callerCommands } from '../lib/workload';
import type { Role } from './entry';

/**
 * Baseline caller: sends a CALL-shaped JSON frame and waits for the same frame back, matched
 * by its request id (parsed, as any WAMP client must).
 */
export default async function rawCaller(args: Record<string, unknown>): Promise<Role> {
  const socket = new WebSocket(`${String(args.url)}${String(args.path ?? '')}`);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const pending = new Map<number, () => void>();
  socket.on('message', (data) => {
    const id = (JSON.parse(data.toString()) as unknown[])[1] as number;
    const done = pending.get(id);
    pending.delete(id);
    done?.();
  });
  let nextId = 0;
  const roundTrip = (): Promise<void> =>
    new Promise((resolve) => {
      const id = ++nextId;
      pending.set(id, resolve);
      socket.send(JSON.stringify([48, id, {}, 'bench.echo', ['hello world']]));
    });
  return {
    commands: callerCommands(roundTrip),
    close: () => socket.close(),
  };
}
