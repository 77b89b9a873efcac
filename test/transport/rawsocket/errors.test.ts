import { jsonSerializer, msgpackSerializer } from '../../../src/protocol/serializers';
import {
  connectRawSocket,
  listenRawSocket,
  TransportError,
  type Listener,
  type Transport,
} from '../../../src/transport';
import { cleanupAfterEach, collect, deferred } from '../helpers';
import { answeringServer, RawClient, rawServer } from './raw-peers';

describe('RawSocket handshake errors and connect errors', () => {
  const cleanup = cleanupAfterEach();

  async function track<T extends { close: () => unknown }>(thing: Promise<T>): Promise<T> {
    const value = await thing;
    cleanup.push(() => value.close());
    return value;
  }

  describe('refused by our router', () => {
    it('error 1: serializer unsupported', async () => {
      const listener = await track(
        listenRawSocket({ port: 0, serializers: [jsonSerializer] }, () => undefined),
      );
      const attempt = connectRawSocket({ port: listener.port!, serializer: msgpackSerializer });
      await expect(attempt).rejects.toThrow(TransportError);
      await expect(attempt).rejects.toMatchObject({
        code: 'SERIALIZER_UNSUPPORTED',
        message: `rs://127.0.0.1:${listener.port} refused the RawSocket handshake: serializer unsupported`,
      });
    });

    it('error 3: reserved bits in the request, answered on the wire, then the router closes', async () => {
      const listener = await track(listenRawSocket({ port: 0 }, () => undefined));
      const raw = await RawClient.connect({ port: listener.port! });
      cleanup.push(() => raw.destroy());
      raw.write([0x7f, 0xf1, 0x00, 0x01]);
      await raw.closed;
      expect([...raw.received]).toEqual([0x7f, 0x30, 0, 0]);
    });

    it('error 4: maximum connection count reached, until a slot frees up', async () => {
      const server = deferred<Transport>();
      const listener = await track(listenRawSocket({ port: 0, maxConnections: 1 }, server.resolve));
      const first = await connectRawSocket({ port: listener.port! });
      await expect(connectRawSocket({ port: listener.port! })).rejects.toMatchObject({
        code: 'CONNECTION_LIMIT',
        message: expect.stringContaining('maximum connection count reached'),
      });
      const atServer = collect(await server.promise);
      first.close();
      await atServer.closed;
      const third = await connectRawSocket({ port: listener.port! });
      cleanup.push(() => third.close());
      expect(third.isOpen).toBe(true);
    });
  });

  describe('refused by another router', () => {
    it.each([
      [0x20, 'MAX_LENGTH_UNACCEPTABLE', 'maximum message length unacceptable'],
      [0x30, 'RESERVED_BITS', 'use of reserved bits'],
    ])('reads the error reply 0x%s', async (octet, code, text) => {
      const server = await track(answeringServer([0x7f, octet, 0, 0]));
      await expect(connectRawSocket({ port: server.port })).rejects.toMatchObject({
        name: 'TransportError',
        code,
        message: expect.stringContaining(text),
      });
    });

    it('fails when the router answers with another serializer', async () => {
      const server = await track(answeringServer([0x7f, 0xf2, 0, 0]));
      await expect(connectRawSocket({ port: server.port })).rejects.toMatchObject({
        code: 'SERIALIZER_MISMATCH',
      });
    });

    it('fails when the reply is not a RawSocket handshake', async () => {
      const server = await track(answeringServer([...Buffer.from('HTTP')]));
      await expect(connectRawSocket({ port: server.port })).rejects.toMatchObject({
        code: 'BAD_MAGIC',
        message: expect.stringContaining(`rs://127.0.0.1:${server.port}`),
      });
    });

    it('fails when the router hangs up during the handshake', async () => {
      const server = await track(rawServer((socket) => socket.once('data', () => socket.end())));
      await expect(connectRawSocket({ port: server.port })).rejects.toMatchObject({
        code: 'HANDSHAKE_CLOSED',
      });
    });
  });

  describe('connect errors', () => {
    it('names the target when the connection is refused', async () => {
      const server = await rawServer(() => undefined);
      await server.close();
      await expect(connectRawSocket({ port: server.port })).rejects.toMatchObject({
        name: 'TransportError',
        code: 'ECONNREFUSED',
        message: `cannot connect to rs://127.0.0.1:${server.port}: connection refused`,
      });
    });

    it('times out against a router that never answers the handshake', async () => {
      const server = await track(rawServer(() => undefined));
      await expect(connectRawSocket({ port: server.port, connectTimeout: 100 })).rejects.toMatchObject({
        code: 'CONNECT_TIMEOUT',
        message: `cannot connect to rs://127.0.0.1:${server.port}: no answer within 100 ms`,
      });
    });

    it('rejects bad options', async () => {
      await expect(connectRawSocket({ port: 1, maxMessageSize: 0 })).rejects.toThrow(/maxMessageSize/);
      await expect(listenRawSocket({ port: 0, serializers: [] }, () => undefined)).rejects.toThrow(
        TransportError,
      );
    });

    it('reports a port already in use', async () => {
      const listener: Listener = await track(listenRawSocket({ port: 0 }, () => undefined));
      await expect(listenRawSocket({ port: listener.port }, () => undefined)).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    });
  });

  describe('keep-alive', () => {
    const keepAlive = { interval: 30, timeout: 60 };

    it('closes uncleanly when the router completes the handshake, then ignores pings', async () => {
      let pings = 0;
      const server = await track(answeringServer([0x7f, 0xf1, 0, 0], () => pings++));
      const client = await connectRawSocket({ port: server.port, keepAlive });
      const info = await collect(client).closed;
      expect(info).toMatchObject({ code: 1006, wasClean: false, error: { code: 'KEEPALIVE_TIMEOUT' } });
      expect(pings).toBe(1);
    });

    it('stays open while our router answers pings', async () => {
      const server = deferred<Transport>();
      const listener = await track(listenRawSocket({ port: 0 }, server.resolve));
      const client = await connectRawSocket({ port: listener.port!, keepAlive });
      cleanup.push(() => client.close());
      const atClient = collect(client);
      // Six keep-alive periods: a missing pong would have closed the link by now.
      await new Promise((resolve) => setTimeout(resolve, 6 * keepAlive.timeout));
      expect(client.isOpen).toBe(true);
      expect(atClient.closes).toEqual([]);
    });
  });
});
