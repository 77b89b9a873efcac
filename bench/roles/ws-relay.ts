import { WebSocketServer, type WebSocket } from 'ws';
import type { Role } from './entry';

/**
 * Baseline: a byte-forwarding 2-hop relay, the floor for any routed design. Frames from the
 * client on `/caller` go to the one on `/callee` and back, untouched and unparsed.
 */
export default async function wsRelay(): Promise<Role> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  let callee: WebSocket | null = null;
  let caller: WebSocket | null = null;
  server.on('connection', (socket, request) => {
    if (request.url === '/callee') {
      callee = socket;
      socket.on('message', (data, isBinary) => caller?.send(data, { binary: isBinary }));
    } else {
      caller = socket;
      socket.on('message', (data, isBinary) => callee?.send(data, { binary: isBinary }));
    }
  });
  const { port } = server.address() as { port: number };
  return {
    info: { url: `ws://127.0.0.1:${port}` },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
