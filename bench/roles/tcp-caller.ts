import { pack, unpack } from 'msgpackr';
import { callerCommands, idMatchedRoundTrips } from '../lib/workload';
import { connectToRelay, frameOf, frameReader, TcpSide, tcpWriter } from '../lib/tcp-floor';
import type { Role } from './entry';

/**
 * The caller of the TCP floor: a CALL-shaped msgpack frame out, the same frame back, decoded
 * and matched by its request id (as any WAMP client must). With `batch`, the calls written in
 * one tick leave in one write.
 */
export default async function tcpCaller(args: Record<string, unknown>): Promise<Role> {
  const socket = await connectToRelay(String(args.url), TcpSide.caller);
  const write = tcpWriter(socket, args.batch === true);
  const { roundTrip, answered } = idMatchedRoundTrips((id) =>
    write(frameOf(pack([48, id, {}, 'bench.echo', ['hello world']]))),
  );
  socket.on(
    'data',
    frameReader((payload) => answered((unpack(payload) as unknown[])[1] as number)),
  );
  return {
    commands: callerCommands(roundTrip),
    close: () => void socket.end(),
  };
}
