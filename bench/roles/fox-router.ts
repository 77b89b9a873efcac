import type { Role } from './entry';

/** The third-party router fox-wamp (WebSocket + JSON), listening on a free loopback port. */
export default async function foxRouter(): Promise<Role> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const FoxRouter = require('fox-wamp') as new () => {
    listenWAMP(options: { host: string; port: number }): import('ws').WebSocketServer;
  };
  const router = new FoxRouter();
  const server = router.listenWAMP({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  return {
    info: { url: `ws://127.0.0.1:${port}` },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
