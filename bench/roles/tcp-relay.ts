import { createServer, type Socket } from 'node:net';
import { TcpSide, tcpWriter } from '../lib/tcp-floor';
import type { Role } from './entry';

/**
 * The TCP floor of a routed design: bytes from the caller go to the callee and back, untouched
 * and unparsed (each peer says which it is in its first byte). With `batch`, what is written
 * to a socket in one event-loop turn leaves in one write (the batching floor beside RawSocket rows).
 */
export default async function tcpRelay(args: Record<string, unknown>): Promise<Role> {
  const batch = args.batch === true;
  const writers: Partial<Record<number, (data: Buffer) => void>> = {};
  const server = createServer({ noDelay: true }, (socket: Socket) => {
    let side: number | undefined;
    socket.on('data', (chunk: Buffer) => {
      if (side === undefined) {
        side = chunk[0];
        writers[side] = tcpWriter(socket, batch);
        chunk = chunk.subarray(1);
        if (chunk.length === 0) return;
      }
      writers[side === TcpSide.caller ? TcpSide.callee : TcpSide.caller]?.(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    info: { url: `tcp://127.0.0.1:${port}` },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
