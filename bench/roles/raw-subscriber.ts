import WebSocket from 'ws';
import { DeliveryCounter } from '../lib/deliveries';
import type { Role } from './entry';

/** Baseline subscribers behind the relay: `sessions` sockets on `/callee`, counting frames. */
export default async function rawSubscriber(args: Record<string, unknown>): Promise<Role> {
  const counter = new DeliveryCounter();
  const sockets: WebSocket[] = [];
  for (let i = 0; i < Number(args.sessions ?? 1); i++) {
    const socket = new WebSocket(`${String(args.url)}/callee`);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    socket.on('message', (data) => {
      JSON.parse(data.toString()); // a subscriber decodes what it gets
      counter.count();
    });
    sockets.push(socket);
  }
  return {
    commands: counter.commands,
    close: () => {
      for (const s of sockets) s.close();
    },
  };
}
