import WebSocket from 'ws';
import { CLIENT_ROLES } from '../../src/client/features';
import { runWindow } from '../lib/workload';
import type { Role } from './entry';

/** Sockets opened at once while filling up: enough to be quick, few enough not to time out. */
const PARALLEL_OPENS = 64;

/**
 * Holds `count` idle links to `url`. With `wamp` each one joins realm1 with the HELLO our
 * client sends (JSON over WebSocket) and waits for WELCOME; without, it is a bare WebSocket
 * (the floor: what `ws` itself keeps per connection). Plain `ws` sockets keep this process
 * small, so the measure is the server's.
 */
export default async function idleHolder(args: Record<string, unknown>): Promise<Role> {
  const url = String(args.url);
  const wamp = args.wamp === true;
  const sockets: WebSocket[] = [];
  const openOne = async (): Promise<void> => {
    const socket = new WebSocket(url, wamp ? ['wamp.2.json'] : []);
    sockets.push(socket);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    if (!wamp) return;
    const welcome = new Promise<void>((resolve, reject) => {
      socket.once('message', (data) => {
        const code = (JSON.parse(data.toString()) as unknown[])[0];
        if (code === 2) resolve();
        else reject(new Error(`expected WELCOME, got ${data.toString().slice(0, 200)}`));
      });
    });
    socket.send(JSON.stringify([1, 'realm1', { roles: CLIENT_ROLES, agent: 'wservice-bench' }]));
    await welcome;
  };
  return {
    commands: {
      open: async (a) => {
        await runWindow(openOne, Number(a.count), PARALLEL_OPENS);
        return sockets.length;
      },
    },
    close: () => {
      for (const socket of sockets) socket.terminate();
    },
  };
}
