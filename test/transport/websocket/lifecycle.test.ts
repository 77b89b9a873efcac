import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import WebSocket from 'ws';
import { jsonSerializer } from '../../../src/protocol/serializers';
import {
  connectWebSocket,
  listenWebSocket,
  TransportError,
  WebSocketTransport,
  type Listener,
  type Transport,
} from '../../../src/transport';
import { cleanupAfterEach, collect, deferred, frameText } from '../helpers';

describe('WebSocket transport: lifecycle', () => {
  const cleanup = cleanupAfterEach();

  async function listen(onTransport: (t: Transport) => void = () => undefined): Promise<Listener> {
    const listener = await listenWebSocket({ port: 0 }, onTransport);
    cleanup.push(() => listener.close());
    return listener;
  }

  async function connected(): Promise<{ client: Transport; server: Transport; listener: Listener }> {
    const server = deferred<Transport>();
    const listener = await listen(server.resolve);
    const client = await connectWebSocket(listener.url);
    cleanup.push(() => client.close());
    return { client, server: await server.promise, listener };
  }

  it('listens on 127.0.0.1, a free port and /ws by default, and names peers Crossbar style', async () => {
    const { client, server, listener } = await connected();
    expect(listener.url).toBe(`ws://127.0.0.1:${listener.port}/ws`);
    expect(listener.port).toBeGreaterThan(0);
    expect(listener.path).toBe('/ws');
    expect(client.peer).toBe(`tcp4:127.0.0.1:${listener.port}`);
    expect(server.peer).toMatch(/^tcp4:127\.0\.0\.1:\d+$/);
    expect(server.peer).not.toBe(client.peer);
  });

  it('listens on IPv6 loopback and names peers tcp6:[addr]:port', async () => {
    const server = deferred<Transport>();
    const listener = await listenWebSocket({ host: '::1', port: 0 }, server.resolve);
    cleanup.push(() => listener.close());
    expect(listener.url).toBe(`ws://[::1]:${listener.port}/ws`);
    const client = await connectWebSocket(listener.url);
    cleanup.push(() => client.close());
    expect(client.peer).toBe(`tcp6:[::1]:${listener.port}`);
    expect((await server.promise).peer).toMatch(/^tcp6:\[::1\]:\d+$/);
  });

  it('closes both ends with the code and reason given, calling close exactly once', async () => {
    const { client, server } = await connected();
    const atClient = collect(client);
    const atServer = collect(server);
    client.close(1000, 'bye');
    client.close(1000, 'again');
    expect(client.isOpen).toBe(false);
    expect(() => client.send('"dropped"')).not.toThrow();

    expect(await atServer.closed).toEqual({ code: 1000, reason: 'bye', wasClean: true, error: undefined });
    expect(await atClient.closed).toMatchObject({ code: 1000, reason: 'bye', wasClean: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(atClient.closes).toHaveLength(1);
    expect(atServer.closes).toHaveLength(1);
    expect(server.isOpen).toBe(false);
  });

  it('reports a peer that vanished as an unclean close', async () => {
    const { client, server } = await connected();
    const atClient = collect(client);
    (server as WebSocketTransport).terminate();
    expect(await atClient.closed).toMatchObject({ code: 1006, wasClean: false });
  });

  it('holds frames and the close that arrive before attach, and delivers them at attach', async () => {
    const listener = await listen((t) => {
      t.send('[1]');
      t.send('[2]');
      t.send('[3]');
      t.close(1000, 'done');
    });
    const client = (await connectWebSocket(listener.url)) as WebSocketTransport;
    await client.closed;
    const atClient = collect(client);
    expect(atClient.frames).toEqual([]);
    expect(await atClient.closed).toMatchObject({ code: 1000, reason: 'done' });
    expect(atClient.frames.map(frameText)).toEqual(['[1]', '[2]', '[3]']);
  });

  it('refuses a second attach', async () => {
    const { client } = await connected();
    collect(client);
    expect(() => collect(client)).toThrow(TransportError);
  });

  it('closes the link with 1011 when the owner handler throws, without crashing', async () => {
    const { client, server } = await connected();
    server.attach({
      message() {
        throw new Error('owner bug');
      },
      close: () => undefined,
    });
    const atClient = collect(client);
    client.send('[1]');
    expect(await atClient.closed).toMatchObject({ code: 1011 });
  });

  it('reports bufferedAmount as the bytes not yet written', async () => {
    const { client } = await connected();
    expect(client.bufferedAmount).toBe(0);
    // Large enough that the kernel buffer cannot take it in one synchronous write.
    client.send('x'.repeat(8 << 20));
    expect(client.bufferedAmount).toBeGreaterThan(0);
  });

  it('Listener.close stops accepting and closes open transports with 1001', async () => {
    const { client, listener } = await connected();
    const atClient = collect(client);
    await listener.close();
    expect(await atClient.closed).toMatchObject({ code: 1001 });
    await expect(connectWebSocket(listener.url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('attaches to an existing HTTP server and leaves it running on close', async () => {
    const http: Server = createServer((_req, res) => res.end('hello'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => http.close(resolve)));
    const server = deferred<Transport>();
    const listener = await listenWebSocket(
      { server: http, path: '/wamp', serializers: [jsonSerializer] },
      server.resolve,
    );
    const port = (http.address() as AddressInfo).port;
    expect(listener.url).toBe(`ws://127.0.0.1:${port}/wamp`);

    const client = await connectWebSocket(listener.url);
    const atClient = collect(client);
    (await server.promise).send('"hi"');
    expect((await atClient.frameCount(1)).map(frameText)).toEqual(['"hi"']);

    await listener.close();
    expect(await atClient.closed).toMatchObject({ code: 1001 });
    expect(http.listening).toBe(true);
    const body = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
    expect(body).toBe('hello');
  });

  it('answers a plain HTTP request with 426 on its path and 404 elsewhere', async () => {
    const listener = await listen();
    const base = `http://127.0.0.1:${listener.port}`;
    expect((await fetch(`${base}/ws`)).status).toBe(426);
    expect((await fetch(`${base}/other`)).status).toBe(404);
  });

  describe('connect errors', () => {
    it('names the URL when the connection is refused', async () => {
      const net = createNetServer();
      await new Promise<void>((resolve) => net.listen(0, '127.0.0.1', resolve));
      const port = (net.address() as AddressInfo).port;
      await new Promise((resolve) => net.close(resolve));
      const url = `ws://127.0.0.1:${port}/ws`;
      const attempt = connectWebSocket(url);
      await expect(attempt).rejects.toThrow(TransportError);
      await expect(attempt).rejects.toMatchObject({
        code: 'ECONNREFUSED',
        message: `cannot connect to ${url}: connection refused`,
      });
    });

    it('times out against a server that never answers the handshake', async () => {
      const silent: NetServer = createNetServer((socket) => socket.on('error', () => undefined));
      const sockets = new Set<import('node:net').Socket>();
      silent.on('connection', (s) => sockets.add(s));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      cleanup.push(() => {
        for (const s of sockets) s.destroy();
        return new Promise((resolve) => silent.close(resolve));
      });
      const url = `ws://127.0.0.1:${(silent.address() as AddressInfo).port}/ws`;
      await expect(connectWebSocket(url, { connectTimeout: 100 })).rejects.toMatchObject({
        name: 'TransportError',
        code: 'CONNECT_TIMEOUT',
        message: `cannot connect to ${url}: no answer within 100 ms`,
      });
    });

    it('rejects a URL it cannot use', async () => {
      await expect(connectWebSocket('ftp://127.0.0.1/ws')).rejects.toMatchObject({
        name: 'TransportError',
        code: 'INVALID_URL',
      });
    });

    it('rejects bad options with an error naming the option', async () => {
      await expect(connectWebSocket('ws://127.0.0.1:1/ws', { maxMessageSize: -1 })).rejects.toThrow(
        /maxMessageSize/,
      );
      await expect(
        connectWebSocket('ws://127.0.0.1:1/ws', { keepAlive: { interval: 0, timeout: 10 } }),
      ).rejects.toThrow(/keepAlive.interval/);
      await expect(listenWebSocket({ serializers: [] }, () => undefined)).rejects.toThrow(TransportError);
    });

    it('reports a port already in use', async () => {
      const listener = await listen();
      await expect(listenWebSocket({ port: listener.port }, () => undefined)).rejects.toMatchObject({
        name: 'TransportError',
        code: 'EADDRINUSE',
      });
    });
  });

  it('a plain ws client sees a clean close from the server', async () => {
    const listener = await listen((t) => t.close(4000, 'go away'));
    const socket = new WebSocket(listener.url, ['wamp.2.json']);
    const [code, reason] = await new Promise<[number, string]>((resolve) =>
      socket.once('close', (c, r) => resolve([c, r.toString()])),
    );
    expect([code, reason]).toEqual([4000, 'go away']);
  });
});
