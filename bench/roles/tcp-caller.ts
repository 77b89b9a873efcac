import { pack, unpack } from 'msgpackr';
import { callerCommands, idMatchedRoundTrips, payloadCommands } from '../lib/workload';
import { connectToRelay, frameOf, frameReader, TcpSide, tcpWriter } from '../lib/tcp-floor';
import type { Role } from './entry';

/** The CALL-shaped msgpack payload the floor caller frames. */
const callPayload = (id: number, argument: unknown): Buffer => pack([48, id, {}, 'bench.echo', [argument]]);

/**
 * The caller of the TCP floor: a CALL-shaped msgpack frame out, the same frame back, decoded
 * and matched by its request id (as any WAMP client must). With `batch`, the calls written in
 * one event-loop turn leave in one write. The `payload` command sends a larger argument the same way.
 */
export default async function tcpCaller(args: Record<string, unknown>): Promise<Role> {
  const socket = await connectToRelay(String(args.url), TcpSide.caller);
  const write = tcpWriter(socket, args.batch === true);
  let argument: unknown = 'hello world';
  const { roundTrip, answered } = idMatchedRoundTrips((id) => write(frameOf(callPayload(id, argument))));
  socket.on(
    'data',
    frameReader((payload) => answered((unpack(payload) as unknown[])[1] as number)),
  );
  const call = (value: unknown): Promise<void> => {
    argument = value;
    return roundTrip();
  };
  return {
    commands: {
      ...callerCommands(roundTrip),
      ...payloadCommands(call, (value) => callPayload(1, value).length + 4),
    },
    close: () => void socket.end(),
  };
}
