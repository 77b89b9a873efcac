import WebSocket from 'ws';
import type { Role } from './entry';

/** Baseline publisher: sends PUBLISH-shaped frames into the relay as fast as the socket drains. */
export default async function rawPublisher(args: Record<string, unknown>): Promise<Role> {
  const socket = new WebSocket(`${String(args.url)}/caller`);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return {
    commands: {
      publish: async (a) => {
        const count = Number(a.count);
        for (let i = 1; i <= count; i++) {
          socket.send(JSON.stringify([16, i, {}, 'bench.topic', ['hello world']]));
          // Respect backpressure the way a real publisher must.
          if (socket.bufferedAmount > 1 << 20) await new Promise((r) => setImmediate(r));
        }
        return count;
      },
    },
    close: () => socket.close(),
  };
}
