import WebSocket from 'ws';
import { frameSender } from '../lib/batched-writes';
import { callerCommands, idMatchedRoundTrips } from '../lib/workload';
import type { Role } from './entry';

/**
 * Baseline caller: sends a CALL-shaped JSON frame and waits for the same frame back, matched
 * by its request id (parsed, as any WAMP client must). With `batch`, the calls sent in one
 * tick leave in one write.
 */
export default async function rawCaller(args: Record<string, unknown>): Promise<Role> {
  const socket = new WebSocket(`${String(args.url)}${String(args.path ?? '')}`);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const send = frameSender(socket, args.batch === true);
  const { roundTrip, answered } = idMatchedRoundTrips((id) =>
    send(JSON.stringify([48, id, {}, 'bench.echo', ['hello world']]), false),
  );
  socket.on('message', (data) => answered((JSON.parse(data.toString()) as unknown[])[1] as number));
  return {
    commands: callerCommands(roundTrip),
    close: () => socket.close(),
  };
}
