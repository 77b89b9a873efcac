import { WebSocketServer, type WebSocket } from 'ws';
import { frameSender, type FrameSend } from '../lib/batched-writes';
import type { Role } from './entry';

/**
 * Baseline: a byte-forwarding 2-hop relay, the floor for any routed design. Frames from the
 * client on `/caller` go to every client on `/callee` (one for RPC, many for a fan-out) and
 * frames from a callee go back to the caller, untouched and unparsed. With `batch`, the frames
 * sent to a socket in one event-loop turn leave in one write (the batching floor).
 */
export default async function wsRelay(args: Record<string, unknown>): Promise<Role> {
  const batch = args.batch === true;
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const callees = new Map<WebSocket, FrameSend>();
  let toCaller: FrameSend | null = null;
  server.on('connection', (socket, request) => {
    if (request.url === '/callee') {
      callees.set(socket, frameSender(socket, batch));
      socket.on('close', () => callees.delete(socket));
      socket.on('message', (data, isBinary) => toCaller?.(data, isBinary));
    } else {
      toCaller = frameSender(socket, batch);
      socket.on('message', (data, isBinary) => {
        for (const send of callees.values()) send(data, isBinary);
      });
    }
  });
  const { port } = server.address() as { port: number };
  return {
    info: { url: `ws://127.0.0.1:${port}` },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
