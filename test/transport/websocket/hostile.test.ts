import { jsonSerializer } from '../../../src/protocol/serializers';
import {
  connectWebSocket,
  listenWebSocket,
  PendingConnections,
  type Listener,
  type Transport,
  type WebSocketListenOptions,
} from '../../../src/transport';
import { FaultProxy } from '../../helpers/fault-proxy';
import { until } from '../../helpers/until';
import { cleanupAfterEach, collect, deferred } from '../helpers';
import { Opcode, RawWebSocket, upgradeRequest } from './raw-websocket';

/**
 * What a hostile or vanished WebSocket peer may cost a server: bounded bytes (never more than
 * the message limit for an unfinished message) and bounded time (open handshake, unfinished
 * message, close).
 */
describe('WebSocket server under hostile peers', () => {
  const cleanup = cleanupAfterEach();

  async function listen(
    options: WebSocketListenOptions = {},
  ): Promise<{ listener: Listener; transports: Transport[]; next: () => Promise<Transport> }> {
    const transports: Transport[] = [];
    let waiting = deferred<Transport>();
    const listener = await listenWebSocket(
      { port: 0, serializers: [jsonSerializer], keepAlive: false, ...options },
      (t) => {
        transports.push(t);
        waiting.resolve(t);
      },
    );
    cleanup.push(() => listener.close());
    const next = async (): Promise<Transport> => {
      const t = await waiting.promise;
      waiting = deferred<Transport>();
      return t;
    };
    return { listener, transports, next };
  }

  async function raw(listener: Listener, upgrade = true): Promise<RawWebSocket> {
    const socket = upgrade ? await RawWebSocket.open(listener.port!) : await RawWebSocket.tcp(listener.port!);
    cleanup.push(() => socket.destroy());
    return socket;
  }

  it('refuses a message on its header, before buffering any of it, with ABORT then 1009', async () => {
    const { listener, next } = await listen({ maxMessageSize: 1000 });
    const peer = await raw(listener);
    const server = await next();
    const seen = collect(server, () => server.send('"abort"'));
    // Announces 1 MiB, sends 10 bytes of it.
    peer.write(Buffer.concat([RawWebSocket.header(Opcode.TEXT, true, 1 << 20), Buffer.alloc(10)]));
    expect(await seen.closed).toMatchObject({ code: 1009 });
    expect(seen.oversizes).toEqual([1 << 20]);
    await until(() => peer.received.includes('"abort"'), { what: 'the ABORT' });
  });

  it('counts the fragments of one message together against the limit', async () => {
    const { listener, next } = await listen({ maxMessageSize: 1000 });
    const peer = await raw(listener);
    const seen = collect(await next());
    for (let i = 0; i < 3; i++) {
      peer.write(RawWebSocket.frame(i === 0 ? Opcode.TEXT : Opcode.CONTINUATION, false, 'x'.repeat(400)));
    }
    expect(await seen.closed).toMatchObject({ code: 1009 });
    expect(seen.oversizes).toEqual([1200]);
  });

  it('holds no more of an unfinished message than the peer sent, and reports it', async () => {
    const { listener, next } = await listen({ maxMessageSize: 1 << 20 });
    const peer = await raw(listener);
    const server = await next();
    collect(server);
    peer.write(Buffer.concat([RawWebSocket.header(Opcode.BINARY, true, 1 << 20), Buffer.alloc(300_000)]));
    await until(() => server.inboundBufferedAmount === 300_000, { what: '300 kB buffered' });
  });

  it('drops a peer whose message is not complete within messageTimeout, pings or not', async () => {
    const { listener, next } = await listen({ messageTimeout: 300 });
    const peer = await raw(listener);
    const seen = collect(await next());
    const started = Date.now();
    peer.write(RawWebSocket.frame(Opcode.TEXT, false, '["first fragment'));
    // Control frames between fragments do not make the message any more finished.
    const pinger = setInterval(() => peer.write(RawWebSocket.frame(Opcode.PING, true, 'hi')), 50);
    cleanup.push(() => clearInterval(pinger));
    const info = await seen.closed;
    expect(info).toMatchObject({ wasClean: false, error: { code: 'MESSAGE_TIMEOUT' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('keeps a peer whose messages each complete in time, however long the link lives', async () => {
    const { listener, next } = await listen({ messageTimeout: 200 });
    const peer = await raw(listener);
    const seen = collect(await next());
    for (let i = 0; i < 5; i++) {
      // Each message spans two writes 100 ms apart: unfinished for 100 ms at a time.
      peer.write(RawWebSocket.header(Opcode.TEXT, true, 3));
      await new Promise((resolve) => setTimeout(resolve, 100));
      peer.write(`"${i}"`);
    }
    await seen.frameCount(5);
    expect(seen.closes).toEqual([]);
  });

  it('cuts a TCP connection that never upgrades, and a header sent a byte at a time', async () => {
    const { listener } = await listen({ openTimeout: 300 });
    const silent = await raw(listener, false);
    const slow = await raw(listener, false);
    const request = upgradeRequest(listener.port!);
    let i = 0;
    const drip = setInterval(() => slow.write(request[i++ % request.length]), 20);
    cleanup.push(() => clearInterval(drip));
    const started = Date.now();
    await Promise.all([silent.closed, slow.closed]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('closes the oldest pending connections past the cap, so idle sockets cannot lock clients out', async () => {
    const pending = new PendingConnections({ maxPending: 4, maxPendingPerAddress: 4 });
    const { listener, next } = await listen({ pending });
    const idle = await Promise.all(Array.from({ length: 6 }, () => raw(listener, false)));
    // The first two were closed to admit the last two.
    await Promise.all([idle[0].closed, idle[1].closed]);
    expect(idle.slice(2).every((s) => !s.socket.destroyed)).toBe(true);
    const client = await connectWebSocket(listener.url, { serializers: [jsonSerializer], keepAlive: false });
    cleanup.push(() => client.close());
    const server = await next();
    expect(pending.size).toBe(4);
    // Joined: it no longer counts, and no longer risks eviction.
    server.joined?.();
    expect(pending.size).toBe(3);
  });

  it('destroys a link whose peer does not answer the close within the grace period', async () => {
    const { listener, next } = await listen();
    const proxy = await FaultProxy.start(listener.port!);
    cleanup.push(() => proxy.stop());
    const client = await connectWebSocket(`ws://127.0.0.1:${proxy.port}/ws`, {
      serializers: [jsonSerializer],
      keepAlive: false,
    });
    const server = await next();
    const seen = collect(server);
    proxy.freeze();
    const started = Date.now();
    server.close(1000, 'bye');
    await seen.closed;
    // ws would wait 30 s for the close frame.
    expect(Date.now() - started).toBeLessThan(3000);
    client.close();
  });

  it('drops a silent peer whose packets stopped (keep-alive), on both sides', async () => {
    const keepAlive = { interval: 100, timeout: 100 };
    const { listener, next } = await listen({ keepAlive });
    const proxy = await FaultProxy.start(listener.port!);
    cleanup.push(() => proxy.stop());
    const client = await connectWebSocket(`ws://127.0.0.1:${proxy.port}/ws`, {
      serializers: [jsonSerializer],
      keepAlive,
    });
    const atClient = collect(client);
    const atServer = collect(await next());
    // Idle but alive: pings are answered.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(atServer.closes).toEqual([]);
    proxy.freeze();
    for (const side of [atServer, atClient]) {
      expect(await side.closed).toMatchObject({ wasClean: false, error: { code: 'KEEPALIVE_TIMEOUT' } });
    }
  });
});
