import { WebSocketServer } from 'ws';
import type { Role } from './entry';

/** Baseline: a WebSocket server that echoes every frame (the direct floor, 1 hop). */
export default async function wsEchoServer(): Promise<Role> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  server.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  const { port } = server.address() as { port: number };
  return {
    info: { url: `ws://127.0.0.1:${port}` },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
