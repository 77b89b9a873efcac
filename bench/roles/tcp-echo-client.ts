import { connectToRelay, TcpSide, tcpWriter } from '../lib/tcp-floor';
import type { Role } from './entry';

/** The callee behind the TCP relay: echoes every byte it reads (`batch`: writes per event-loop turn). */
export default async function tcpEchoClient(args: Record<string, unknown>): Promise<Role> {
  const socket = await connectToRelay(String(args.url), TcpSide.callee);
  const write = tcpWriter(socket, args.batch === true);
  socket.on('data', (chunk: Buffer) => write(chunk));
  return { close: () => void socket.end() };
}
