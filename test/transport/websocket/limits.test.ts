import { jsonSerializer } from '../../../src/protocol/serializers';
import {
  connectWebSocket,
  listenWebSocket,
  PayloadSizeError,
  type Listener,
  type Transport,
} from '../../../src/transport';
import { cleanupAfterEach, collect, deferred, frameText } from '../helpers';

const ABORT = JSON.stringify([3, {}, 'wamp.error.payload_size_exceeded']);

describe('WebSocket transport: maxMessageSize', () => {
  const cleanup = cleanupAfterEach();

  async function pair(
    serverMax: number,
    clientMax: number,
    onServerOversize?: (t: Transport, size: number) => void,
  ): Promise<{
    client: Transport;
    server: Transport;
    listener: Listener;
    atServer: ReturnType<typeof collect>;
  }> {
    const server = deferred<Transport>();
    const listener = await listenWebSocket(
      { port: 0, maxMessageSize: serverMax, serializers: [jsonSerializer] },
      server.resolve,
    );
    cleanup.push(() => listener.close());
    const client = await connectWebSocket(listener.url, {
      maxMessageSize: clientMax,
      serializers: [jsonSerializer],
    });
    cleanup.push(() => client.close());
    const serverTransport = await server.promise;
    const atServer = collect(serverTransport, (size) => onServerOversize?.(serverTransport, size));
    return { client, server: serverTransport, listener, atServer };
  }

  it('calls oversize for an inbound frame above the limit, lets the owner send ABORT, then closes with 1009', async () => {
    const { client, atServer } = await pair(1000, 1 << 20, (server, size) => {
      expect(server.isOpen).toBe(true);
      expect(size).toBe(1500);
      server.send(ABORT);
    });
    const atClient = collect(client);
    client.send('x'.repeat(1500));

    const [abort] = await atClient.frameCount(1);
    expect(frameText(abort)).toBe(ABORT);
    expect(await atClient.closed).toMatchObject({ code: 1009, wasClean: true });
    expect(await atServer.closed).toMatchObject({ code: 1009 });
    expect(atServer.oversizes).toEqual([1500]);
    expect(atServer.frames).toEqual([]);
  });

  it('still calls oversize, then closes with 1009, for a frame far above the limit', async () => {
    const { client, atServer } = await pair(1000, 8 << 20);
    const atClient = collect(client);
    client.send('y'.repeat(4 << 20));

    expect(await atClient.closed).toMatchObject({ code: 1009 });
    await atServer.closed;
    expect(atServer.oversizes).toHaveLength(1);
    expect(atServer.oversizes[0]).toBeGreaterThan(1000);
    expect(atServer.frames).toEqual([]);
  });

  it('delivers a frame of exactly the limit', async () => {
    const { client, atServer } = await pair(1000, 1000);
    client.send('z'.repeat(1000));
    const [frame] = await atServer.frameCount(1);
    expect(frameText(frame)).toHaveLength(1000);
    expect(atServer.oversizes).toEqual([]);
  });

  it('refuses to send a frame above the limit with PayloadSizeError, sends nothing and stays open', async () => {
    const { client, atServer } = await pair(1 << 20, 100);
    expect(() => client.send('a'.repeat(101))).toThrow(PayloadSizeError);
    // 40 euro signs are 40 UTF-16 units but 120 UTF-8 bytes.
    expect(() => client.send('€'.repeat(40))).toThrow(
      expect.objectContaining({ name: 'PayloadSizeError', size: 120, limit: 100 }),
    );
    expect(() => client.send(new Uint8Array(101))).toThrow(PayloadSizeError);
    expect(client.isOpen).toBe(true);

    client.send('€'.repeat(33));
    const [frame] = await atServer.frameCount(1);
    expect(frameText(frame)).toBe('€'.repeat(33));
    expect(atServer.frames).toHaveLength(1);
  });
});
