import type { WireMessage } from '../../../src/protocol/messages';
import { jsonSerializer, serializerByName } from '../../../src/protocol/serializers';
import {
  connectRawSocket,
  listenRawSocket,
  PayloadSizeError,
  RawSocketTransport,
  type Listener,
  type RawSocketListenOptions,
  type Transport,
} from '../../../src/transport';
import { cleanupAfterEach, collect, deferred, frameText } from '../helpers';
import { answeringServer, RawClient } from './raw-peers';

const HELLO: WireMessage = [1, 'realm1', { roles: { caller: {} } }];
const JSON_HANDSHAKE = [0x7f, 0xf1, 0, 0];

describe('RawSocket transport over TCP', () => {
  const cleanup = cleanupAfterEach();

  async function listen(
    onTransport: (t: Transport) => void,
    options: Partial<RawSocketListenOptions> = {},
  ): Promise<Listener> {
    const listener = await listenRawSocket({ port: 0, ...options } as RawSocketListenOptions, onTransport);
    cleanup.push(() => listener.close());
    return listener;
  }

  async function connected(options: Partial<RawSocketListenOptions> = {}) {
    const server = deferred<Transport>();
    const listener = await listen(server.resolve, options);
    const client = await connectRawSocket({ port: listener.port! });
    cleanup.push(() => client.close());
    return { client, server: await server.promise, listener };
  }

  async function rawClient(listener: Listener): Promise<RawClient> {
    const raw = await RawClient.connect({ port: listener.port! });
    cleanup.push(() => raw.destroy());
    return raw;
  }

  it.each(['json', 'msgpack', 'cbor'])('carries %s messages both ways', async (name) => {
    const s = serializerByName(name)!;
    expect(s).toBeDefined();
    const server = deferred<Transport>();
    const listener = await listen(server.resolve);
    const client = await connectRawSocket({ host: '127.0.0.1', port: listener.port!, serializer: s });
    cleanup.push(() => client.close());
    expect(client.serializer).toBe(s);
    expect(client.kind).toBe('rawsocket');
    const atServer = collect(await server.promise);
    const atClient = collect(client);
    expect((await server.promise).serializer).toBe(s);

    client.send(s.serialize(HELLO));
    expect(s.deserialize((await atServer.frameCount(1))[0])).toEqual(HELLO);
    (await server.promise).send(s.serialize([2, 9, {}]));
    expect(s.deserialize((await atClient.frameCount(1))[0])).toEqual([2, 9, {}]);
  });

  it('names the listener and both peers', async () => {
    const { client, server, listener } = await connected();
    expect(listener.url).toBe(`rs://127.0.0.1:${listener.port}`);
    expect(client.peer).toBe(`tcp4:127.0.0.1:${listener.port}`);
    expect(server.peer).toMatch(/^tcp4:127\.0\.0\.1:\d+$/);
  });

  it('works on IPv6 loopback', async () => {
    const server = deferred<Transport>();
    const listener = await listen(server.resolve, { host: '::1' });
    expect(listener.url).toBe(`rs://[::1]:${listener.port}`);
    const client = await connectRawSocket({ host: '::1', port: listener.port! });
    cleanup.push(() => client.close());
    expect(client.peer).toBe(`tcp6:[::1]:${listener.port}`);
    expect((await server.promise).peer).toMatch(/^tcp6:\[::1\]:\d+$/);
  });

  it('writes the handshake and frames the spec describes', async () => {
    const listener = await listen((t) => t.send('[2,1,{}]'), { maxMessageSize: 1024 });
    const raw = await rawClient(listener);
    raw.write(JSON_HANDSHAKE);
    // Reply: our serializer echoed, L = 1 (1024 octets); then one message frame.
    const bytes = await raw.bytes(4 + 4 + 8);
    expect([...bytes.subarray(0, 8)]).toEqual([0x7f, 0x11, 0, 0, 0, 0, 0, 8]);
    expect(bytes.subarray(8).toString()).toBe('[2,1,{}]');
  });

  it('answers a ping with a pong carrying the same payload', async () => {
    const listener = await listen(() => undefined);
    const raw = await rawClient(listener);
    raw.write([...JSON_HANDSHAKE, 0x01, 0, 0, 3, ...Buffer.from('abc')]);
    const bytes = await raw.bytes(4 + 7);
    expect([...bytes.subarray(4)]).toEqual([0x02, 0, 0, 3, ...Buffer.from('abc')]);
  });

  it('closes both ends cleanly, calling close exactly once, and drops sends after close', async () => {
    const { client, server } = await connected();
    const atClient = collect(client);
    const atServer = collect(server);
    client.send('[1]');
    client.close(1000, 'bye');
    client.close();
    expect(client.isOpen).toBe(false);
    expect(() => client.send('[2]')).not.toThrow();
    expect(await atClient.closed).toMatchObject({ code: 1000, reason: 'bye', wasClean: true });
    expect(await atServer.closed).toMatchObject({ code: 1000, wasClean: true });
    expect(atServer.frames.map(frameText)).toEqual(['[1]']);
    await new Promise((resolve) => setImmediate(resolve));
    expect([atClient.closes.length, atServer.closes.length]).toEqual([1, 1]);
  });

  it('reports a peer that vanished (connection reset) as an unclean close', async () => {
    const server = await answeringServer([0x7f, 0xf1, 0, 0], (socket) => socket.resetAndDestroy());
    cleanup.push(() => server.close());
    const client = await connectRawSocket({ port: server.port });
    const atClient = collect(client);
    client.send('[1]');
    expect(await atClient.closed).toMatchObject({
      code: 1006,
      wasClean: false,
      error: { name: 'TransportError' },
    });
    expect(client.isOpen).toBe(false);
  });

  it('holds frames and the close that arrive before attach, and delivers them at attach', async () => {
    const listener = await listen((t) => {
      t.send('[1]');
      t.send('[2]');
      t.close();
    });
    const client = (await connectRawSocket({ port: listener.port! })) as RawSocketTransport;
    await client.closed;
    const atClient = collect(client);
    await atClient.closed;
    expect(atClient.frames.map(frameText)).toEqual(['[1]', '[2]']);
  });

  it('never sends above the limit the peer announced: PayloadSizeError, link stays open', async () => {
    const { client, server } = await connected({ maxMessageSize: 512 });
    const atServer = collect(server);
    expect(client.maxMessageSize).toBe(512);
    expect((client as RawSocketTransport).peerMaxMessageSize).toBe(512);
    expect(() => client.send('x'.repeat(513))).toThrow(PayloadSizeError);
    expect(() => client.send(new Uint8Array(600))).toThrow(
      expect.objectContaining({ size: 600, limit: 512 }),
    );
    expect(client.isOpen).toBe(true);
    client.send('y'.repeat(512));
    expect(frameText((await atServer.frameCount(1))[0])).toBe('y'.repeat(512));
  });

  it('delivers a frame of exactly our limit', async () => {
    const { client, server } = await connected({ maxMessageSize: 1024 });
    const atServer = collect(server);
    const atClient = collect(client);
    client.send('z'.repeat(1024));
    expect(frameText((await atServer.frameCount(1))[0])).toHaveLength(1024);
    expect(atServer.oversizes).toEqual([]);
    expect(atClient.closes).toEqual([]);
  });

  it('calls oversize on a huge length header, sends the last frame, then closes with 1009', async () => {
    const server = deferred<Transport>();
    const listener = await listen(server.resolve, { maxMessageSize: 1024 });
    const raw = await rawClient(listener);
    raw.write(JSON_HANDSHAKE);
    await raw.bytes(4);
    const transport = await server.promise;
    const atServer = collect(transport, (size) => {
      expect(transport.isOpen).toBe(true);
      transport.send(`[3,{},"too big: ${size}"]`);
    });
    raw.write([0x00, 0xff, 0xff, 0xff, 0x41]);
    expect(await atServer.closed).toMatchObject({ code: 1009, wasClean: true });
    expect(atServer.oversizes).toEqual([0xffffff]);
    await raw.closed;
    const abort = `[3,{},"too big: ${0xffffff}"]`;
    expect(raw.received.subarray(8).toString()).toBe(abort);
  });

  it('closes with a RESERVED_BITS error when a frame prefix uses reserved bits', async () => {
    const server = deferred<Transport>();
    const listener = await listen(server.resolve);
    const raw = await rawClient(listener);
    raw.write(JSON_HANDSHAKE);
    await raw.bytes(4);
    const atServer = collect(await server.promise);
    raw.write([0x40, 0, 0, 1, 0x41]);
    expect(await atServer.closed).toMatchObject({ error: { name: 'TransportError', code: 'RESERVED_BITS' } });
    await raw.closed;
  });

  it('closes the link when a peer is not speaking RawSocket at all', async () => {
    let accepted = 0;
    const listener = await listen(() => accepted++);
    const raw = await rawClient(listener);
    raw.write(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    await raw.closed;
    expect(raw.received.length).toBe(0);
    expect(accepted).toBe(0);
  });

  it('Listener.close closes open transports and stops accepting', async () => {
    const { client, listener } = await connected();
    const atClient = collect(client);
    await listener.close();
    await atClient.closed;
    await expect(connectRawSocket({ port: listener.port! })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('drops a client that never sends its handshake', async () => {
    const listener = await listen(() => undefined, { handshakeTimeout: 50 });
    const raw = await rawClient(listener);
    await raw.closed;
    expect(raw.received.length).toBe(0);
  });

  it('defaults to JSON on the client', async () => {
    const { client } = await connected({ serializers: [jsonSerializer] });
    expect(client.serializer.name).toBe('json');
  });

  it('reading paused for two reasons (publisher back-pressure, the buffer budget) resumes only once both are lifted', async () => {
    const { client, server } = await connected();
    const atServer = collect(server);
    server.pauseReading!('budget');
    server.pauseReading!('publisher');
    client.send(jsonSerializer.serialize(HELLO));
    server.resumeReading!('publisher');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(atServer.frames).toHaveLength(0);
    server.resumeReading!('budget');
    expect(jsonSerializer.deserialize((await atServer.frameCount(1))[0])).toEqual(HELLO);
  });
});
