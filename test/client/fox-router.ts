import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * fox-wamp's auth handler contract (lib/base_gate.js, lib/wamp/gate.js): `getAuthMethods()`
 * lists the methods it accepts, `<method>_extra` gives the CHALLENGE Extra, `<method>_auth`
 * checks the AUTHENTICATE Signature; callbacks are node style.
 */
export interface FoxAuthHandler {
  getAuthMethods(): string[];
  [method: string]: unknown;
}

interface FoxRouterClass {
  new (): { listenWAMP(options: { server: Server; path: string }, auth?: FoxAuthHandler): { close(): void } };
}

/** A fox-wamp router on 127.0.0.1 over WebSocket (JSON only), started by the test. */
export interface FoxRouter {
  readonly port: number;
  readonly url: string;
  /** Stops it as a crash would: every connection dropped, the port released. */
  stop(): Promise<void>;
}

/** Starts fox-wamp on `port` (0: a free one), at path `/ws`. */
export async function startFox(port = 0, auth?: FoxAuthHandler): Promise<FoxRouter> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Fox = require('fox-wamp') as FoxRouterClass;
  const http = createServer();
  const sockets = new Set<Socket>();
  http.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, '127.0.0.1', resolve);
  });
  const wss = new Fox().listenWAMP({ server: http, path: '/ws' }, auth);
  const bound = (http.address() as AddressInfo).port;
  let stopped: Promise<void> | undefined;
  return {
    port: bound,
    url: `ws://127.0.0.1:${bound}/ws`,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        wss.close();
        for (const socket of sockets) socket.destroy();
        http.close(() => resolve());
      });
      return stopped;
    },
  };
}
