import autobahn from 'autobahn';
import { readFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { connect } from '../../src/client/connect';
import { Router, RouterOptionsError, RouterStateError } from '../../src/router';
import { callFromPython } from '../helpers/autobahn-python';

/** `router.listenOn(server)`: the WAMP endpoint inside the application's own HTTP(S) server. */

const TLS_DIR = join(__dirname, '..', 'fixtures', 'tls');

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('router.listenOn(server)', () => {
  let router: Router;

  beforeEach(async () => {
    router = await Router.start({});
  });
  afterEach(() => router.stop());

  it('serves WAMP at a path of a plain Node server, sharing its port with its own routes', async () => {
    const server = createServer((_req, res) => res.end('the application'));
    const port = await listen(server);
    try {
      const info = await router.listenOn(server, { path: '/wamp' });
      expect(info).toEqual({ type: 'websocket', url: `ws://127.0.0.1:${port}/wamp`, port, path: '/wamp' });
      expect(router.listeners).toContainEqual(info);

      const callee = await connect(info.url);
      await callee.register('app.add', ([a, b]) => Number(a) + Number(b));
      // autobahn-js joins through the same port.
      const connection = new autobahn.Connection({ url: info.url, realm: 'realm1', max_retries: 0 });
      const session = await new Promise<autobahn.Session>((resolve, reject) => {
        connection.onopen = resolve;
        connection.onclose = (reason) => {
          reject(new Error(reason));
          return true;
        };
        connection.open();
      });
      expect(await session.call('app.add', [2, 3])).toBe(5);
      connection.close();
      // And autobahn-python (Debian python3-autobahn).
      await expect(
        callFromPython(info.url, 'realm1', [{ procedure: 'app.add', args: [4, 5] }]),
      ).resolves.toEqual([{ ok: 9 }]);
      await expect(httpGet(port, '/')).resolves.toEqual({ status: 200, body: 'the application' });
      await callee.close();
    } finally {
      await router.stop();
      // The server is the application's: still listening after the router stopped.
      expect(server.listening).toBe(true);
      await expect(httpGet(port, '/')).resolves.toMatchObject({ status: 200 });
      await close(server);
    }
  });

  it('leaves other upgrade paths to their own handlers', async () => {
    const server = createServer();
    const port = await listen(server);
    const chat = new WebSocketServer({ noServer: true });
    chat.on('connection', (ws) => ws.send('chat here'));
    server.on('upgrade', (req, socket, head) => {
      if (req.url === '/chat') chat.handleUpgrade(req, socket, head, (ws) => chat.emit('connection', ws));
    });
    try {
      const info = await router.listenOn(server, { path: '/wamp' });
      const other = new WebSocket(`ws://127.0.0.1:${port}/chat`);
      await expect(
        new Promise((resolve) => other.once('message', (data: Buffer) => resolve(data.toString()))),
      ).resolves.toBe('chat here');
      other.close();
      const client = await connect(info.url);
      expect(client.session?.isOpen).toBe(true);
      await client.close();
    } finally {
      chat.close();
      await router.stop();
      await close(server);
    }
  });

  it('waits for a server that is not listening yet, and speaks wss:// on an HTTPS server', async () => {
    const server = createHttpsServer({
      cert: readFileSync(join(TLS_DIR, 'server.crt')),
      key: readFileSync(join(TLS_DIR, 'server.key')),
    });
    const attaching = router.listenOn(server);
    const port = await listen(server as unknown as Server);
    try {
      const info = await attaching;
      expect(info.url).toBe(`wss://127.0.0.1:${port}/ws`);
      const client = await connect({ url: info.url, tls: { ca: join(TLS_DIR, 'ca.crt') } });
      expect(client.session?.isOpen).toBe(true);
      await client.close();
    } finally {
      await router.stop();
      await close(server as unknown as Server);
    }
  });

  it('refuses a server given in the listener options, pointing at listenOn, and checks its options', async () => {
    const server = createServer();
    const options = { listeners: [{ type: 'websocket', server }] } as unknown as Parameters<
      typeof Router.start
    >[0];
    await expect(Router.start(options)).rejects.toThrow(/router\.listenOn\(server, \{ path \}\)/);
    await expect(router.listenOn(server, { path: 'wamp' })).rejects.toBeInstanceOf(RouterOptionsError);
  });

  it('refuses listenOn on a stopped router, and on one that stops while the server is not listening yet', async () => {
    const server = createServer((_req, res) => res.writeHead(404).end('the application'));
    const waiting = router.listenOn(server, { path: '/wamp' }); // the server does not listen yet
    await router.stop();
    const port = await listen(server);
    try {
      await expect(waiting).rejects.toBeInstanceOf(RouterStateError);
      await expect(waiting).rejects.toMatchObject({
        code: 'WSERVICE_ERR_ROUTER_STATE',
        message: 'listenOn() on a router that is stopping or stopped',
      });
      await expect(router.listenOn(server)).rejects.toBeInstanceOf(RouterStateError);
      expect(router.listeners).toEqual([]);
      // Nothing was attached: an upgrade of the path is nobody's.
      const ws = new WebSocket(`ws://127.0.0.1:${port}/wamp`, 'wamp.2.json');
      const refused = await new Promise<string>((resolve) => {
        ws.once('unexpected-response', (_req, res) => resolve(`HTTP ${res.statusCode}`));
        ws.once('open', () => resolve('open'));
        ws.once('error', (err) => resolve(err.message));
      });
      expect(refused).not.toBe('open');
      ws.terminate();
    } finally {
      await close(server);
    }
  });
});
