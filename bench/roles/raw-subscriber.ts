import WebSocket from 'ws';
import { notify, type Role } from './entry';

/** Baseline subscriber behind the relay: counts frames and says when the expected number came. */
export default async function rawSubscriber(args: Record<string, unknown>): Promise<Role> {
  const socket = new WebSocket(`${String(args.url)}/callee`);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  let expected = Infinity;
  let received = 0;
  socket.on('message', (data) => {
    JSON.parse(data.toString()); // a subscriber decodes what it gets
    if (++received === expected) notify('done', received);
  });
  return {
    commands: {
      expect: (a) => {
        expected = Number(a.count);
        received = 0;
        return true;
      },
      received: () => received,
    },
    close: () => socket.close(),
  };
}
