import WebSocket from 'ws';
import { frameSender } from '../lib/batched-writes';
import { callerCommands, idMatchedRoundTrips, payloadCommands } from '../lib/workload';
import type { Role } from './entry';

/** The CALL-shaped JSON text the floor caller sends. */
const callFrame = (id: number, argument: unknown): string =>
  JSON.stringify([48, id, {}, 'bench.echo', [argument]]);

/**
 * Baseline caller: sends a CALL-shaped JSON frame and waits for the same frame back, matched
 * by its request id (parsed, as any WAMP client must). With `batch`, the calls sent in one
 * event-loop turn leave in one write. The `payload` command sends a larger argument the same way.
 */
export default async function rawCaller(args: Record<string, unknown>): Promise<Role> {
  const socket = new WebSocket(`${String(args.url)}${String(args.path ?? '')}`);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const send = frameSender(socket, args.batch === true);
  let argument: unknown = 'hello world';
  const { roundTrip, answered } = idMatchedRoundTrips((id) => send(callFrame(id, argument), false));
  socket.on('message', (data) => answered((JSON.parse(data.toString()) as unknown[])[1] as number));
  const call = (value: unknown): Promise<void> => {
    argument = value;
    return roundTrip();
  };
  return {
    commands: {
      ...callerCommands(roundTrip),
      ...payloadCommands(call, (value) => Buffer.byteLength(callFrame(1, value))),
    },
    close: () => socket.close(),
  };
}
