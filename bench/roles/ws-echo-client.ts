import WebSocket from 'ws';
import type { Role } from './entry';

/** Baseline callee behind the relay: connects to `<url>/callee` and echoes every frame. */
export default async function wsEchoClient(args: Record<string, unknown>): Promise<Role> {
  const socket = new WebSocket(`${String(args.url)}/callee`);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  return { close: () => socket.close() };
}
