import { WebSocketServer, type WebSocket } from 'ws';
import { frameSender, type FrameSend } from '../lib/batched-writes';
import type { Role } from './entry';

/**
 * Baseline: a byte-forwarding 2-hop relay, the floor for any routed design. Frames from a
 * client on `/caller` go to every client on `/callee` (one for RPC, many for a fan-out) and
 * frames from a callee go back to the caller, untouched and unparsed. With several callers
 * (the 100-session row) the echoing callee answers in order, so each reply goes to the caller
 * of the oldest frame not yet answered. With `batch`, the frames sent to a socket in one
 * event-loop turn leave in one write (the batching floor).
 */
export default async function wsRelay(args: Record<string, unknown>): Promise<Role> {
  const batch = args.batch === true;
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const callees = new Map<WebSocket, FrameSend>();
  const callers = new Set<FrameSend>();
  let toCaller: FrameSend | null = null;
  // Callers of the frames forwarded and not answered yet, oldest at `head` (several callers only).
  let unanswered: FrameSend[] = [];
  let head = 0;
  const reply: FrameSend = (data, isBinary) => {
    if (callers.size <= 1) return toCaller?.(data, isBinary);
    const send = unanswered[head++];
    if (head === unanswered.length) {
      unanswered = [];
      head = 0;
    }
    send?.(data, isBinary);
  };
  server.on('connection', (socket, request) => {
    if (request.url === '/callee') {
      callees.set(socket, frameSender(socket, batch));
      socket.on('close', () => callees.delete(socket));
      socket.on('message', reply);
    } else {
      const send = frameSender(socket, batch);
      toCaller = send;
      callers.add(send);
      socket.on('close', () => callers.delete(send));
      socket.on('message', (data, isBinary) => {
        if (callers.size > 1) unanswered.push(send);
        for (const forward of callees.values()) forward(data, isBinary);
      });
    }
  });
  const { port } = server.address() as { port: number };
  return {
    info: { url: `ws://127.0.0.1:${port}` },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
