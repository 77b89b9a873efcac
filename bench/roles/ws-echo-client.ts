import WebSocket from 'ws';
import { frameSender } from '../lib/batched-writes';
import type { Role } from './entry';

/** Baseline callee behind the relay: connects to `<url>/callee` and echoes every frame (`batch`: per event-loop turn). */
export default async function wsEchoClient(args: Record<string, unknown>): Promise<Role> {
  const socket = new WebSocket(`${String(args.url)}/callee`);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const send = frameSender(socket, args.batch === true);
  socket.on('message', (data, isBinary) => send(data, isBinary));
  return { close: () => socket.close() };
}
