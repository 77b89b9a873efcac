import WebSocket, { WebSocketServer } from 'ws';
import { connectWebSocket, listenWebSocket, type Transport } from '../../../src/transport';
import { cleanupAfterEach, collect, deferred } from '../helpers';

const KEEP_ALIVE = { interval: 30, timeout: 60 };

describe('WebSocket transport: keep-alive', () => {
  const cleanup = cleanupAfterEach();

  async function plainServer(autoPong: boolean): Promise<{ url: string; pings: () => number }> {
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      autoPong,
      handleProtocols: (p) => [...p][0],
    });
    let pings = 0;
    wss.on('connection', (ws) => {
      ws.on('ping', () => pings++);
      ws.on('error', () => undefined);
    });
    cleanup.push(() => {
      for (const ws of wss.clients) ws.terminate();
      return new Promise((resolve) => wss.close(resolve));
    });
    await new Promise((resolve) => wss.once('listening', resolve));
    return { url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}/ws`, pings: () => pings };
  }

  it('closes uncleanly with an error when the server stops answering pings', async () => {
    const { url, pings } = await plainServer(false);
    const client = await connectWebSocket(url, { keepAlive: KEEP_ALIVE });
    const atClient = collect(client);
    const info = await atClient.closed;
    expect(info.wasClean).toBe(false);
    expect(info.error).toMatchObject({ name: 'TransportError', code: 'KEEPALIVE_TIMEOUT' });
    expect(info.error?.message).toMatch(/sent nothing for 90 ms/);
    expect(pings()).toBe(1);
    expect(client.isOpen).toBe(false);
  });

  it('keeps pinging a peer that answers, and stays open', async () => {
    const { url, pings } = await plainServer(true);
    const client = await connectWebSocket(url, { keepAlive: KEEP_ALIVE });
    cleanup.push(() => client.close());
    const atClient = collect(client);
    while (pings() < 4) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(client.isOpen).toBe(true);
    expect(atClient.closes).toEqual([]);
  });

  it('on the server side, drops a client that stops answering pings', async () => {
    const server = deferred<Transport>();
    const listener = await listenWebSocket({ port: 0, keepAlive: KEEP_ALIVE }, server.resolve);
    cleanup.push(() => listener.close());
    const socket = new WebSocket(listener.url, ['wamp.2.json'], { autoPong: false });
    socket.on('error', () => undefined);
    cleanup.push(() => socket.terminate());
    const atServer = collect(await server.promise);
    expect(await atServer.closed).toMatchObject({ wasClean: false, error: { code: 'KEEPALIVE_TIMEOUT' } });
  });

  it('stops its timer when the link closes', async () => {
    const { url, pings } = await plainServer(true);
    const client = await connectWebSocket(url, { keepAlive: KEEP_ALIVE });
    const atClient = collect(client);
    client.close();
    await atClient.closed;
    const seen = pings();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pings()).toBe(seen);
  });
});
