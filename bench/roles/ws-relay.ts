import { WebSocketServer, type WebSocket } from 'ws';
import type { Role } from './entry';

/**
 * Baseline: a byte-forwarding 2-hop relay, the floor for any routed design. Frames from the
 * client on `/caller` go to every client on `/callee` (one for RPC, many for a fan-out) and
 * frames from a callee go back to the caller, untouched and unparsed.
 */
export default async function wsRelay(): Promise<Role> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const callees = new Set<WebSocket>();
  let caller: WebSocket | null = null;
  server.on('connection', (socket, request) => {
    if (request.url === '/callee') {
      callees.add(socket);
      socket.on('close', () => callees.delete(socket));
      socket.on('message', (data, isBinary) => caller?.send(data, { binary: isBinary }));
    } else {
      caller = socket;
      socket.on('message', (data, isBinary) => {
        for (const callee of callees) callee.send(data, { binary: isBinary });
      });
    }
  });
  const { port } = server.address() as { port: number };
  return {
    info: { url: `ws://127.0.0.1:${port}` },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
