import WebSocket, { WebSocketServer } from 'ws';
import type { WireMessage } from '../../../src/protocol/messages';
import type { Serializer } from '../../../src/protocol/serializer';
import { SERIALIZERS, serializerByName } from '../../../src/protocol/serializers';
import {
  connectWebSocket,
  listenWebSocket,
  TransportError,
  type Listener,
  type Transport,
} from '../../../src/transport';
import { cleanupAfterEach, collect, deferred } from '../helpers';

const HELLO: WireMessage = [1, 'realm1', { roles: { caller: {} } }];

function serializer(name: string): Serializer {
  const found = serializerByName(name);
  if (found === undefined) throw new Error(`serializer ${name} is not registered`);
  return found;
}

describe('WebSocket transport: serializers and subprotocols', () => {
  const cleanup = cleanupAfterEach();

  async function listen(
    serializers: readonly Serializer[],
    onTransport: (t: Transport) => void,
  ): Promise<Listener> {
    const listener = await listenWebSocket({ port: 0, serializers }, onTransport);
    cleanup.push(() => listener.close());
    return listener;
  }

  /** A plain `ws` client; `first` is its first message, listened for before the socket opens. */
  async function rawClient(
    url: string,
    protocols: string[],
  ): Promise<{ socket: WebSocket; first: Promise<[Buffer, boolean]> }> {
    const socket = new WebSocket(url, protocols);
    cleanup.push(() => socket.terminate());
    const first = new Promise<[Buffer, boolean]>((resolve) =>
      socket.once('message', (data, isBinary) => resolve([data as Buffer, isBinary])),
    );
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return { socket, first };
  }

  it.each(['json', 'msgpack', 'cbor'])('carries %s frames both ways', async (name) => {
    const s = serializer(name);
    const server = deferred<Transport>();
    const listener = await listen([s], server.resolve);
    const client = await connectWebSocket(listener.url, { serializers: [s] });
    cleanup.push(() => client.close());
    const atClient = collect(client);
    const atServer = collect(await server.promise);

    expect(client.serializer).toBe(s);
    expect((await server.promise).serializer).toBe(s);
    expect(client.kind).toBe('websocket');
    client.send(s.serialize(HELLO));
    const [received] = await atServer.frameCount(1);
    expect(s.deserialize(received)).toEqual(HELLO);

    (await server.promise).send(s.serialize([2, 7, {}]));
    const [back] = await atClient.frameCount(1);
    expect(s.deserialize(back)).toEqual([2, 7, {}]);
  });

  it.each(['json', 'msgpack', 'cbor'])(
    'sends %s in the frame kind its subprotocol requires',
    async (name) => {
      const s = serializer(name);
      const listener = await listen([s], (t) => t.send(s.serialize(HELLO)));
      const { first } = await rawClient(listener.url, [s.subprotocol!]);
      const [data, isBinary] = await first;
      expect(isBinary).toBe(s.binary);
      expect(s.deserialize(isBinary ? data : data.toString('utf8'))).toEqual(HELLO);
    },
  );

  it('accepts JSON in a binary frame as well as in a text frame', async () => {
    const server = deferred<Transport>();
    const listener = await listen([serializer('json')], server.resolve);
    const { socket } = await rawClient(listener.url, ['wamp.2.json']);
    const atServer = collect(await server.promise);
    socket.send(Buffer.from(JSON.stringify(HELLO)), { binary: true });
    socket.send(JSON.stringify([6, {}, 'wamp.close.normal']), { binary: false });
    const frames = await atServer.frameCount(2);
    expect(frames.map((f) => serializer('json').deserialize(f))).toEqual([
      HELLO,
      [6, {}, 'wamp.close.normal'],
    ]);
  });

  it("picks the server's most preferred subprotocol among those offered", async () => {
    const server = deferred<Transport>();
    const listener = await listen(
      [serializer('cbor'), serializer('msgpack'), serializer('json')],
      server.resolve,
    );
    const client = await connectWebSocket(listener.url, {
      serializers: [serializer('json'), serializer('msgpack')],
    });
    cleanup.push(() => client.close());
    expect(client.serializer.name).toBe('msgpack');
    expect((await server.promise).serializer.name).toBe('msgpack');
  });

  it('refuses the upgrade with 400 and a reason when no subprotocol matches', async () => {
    const listener = await listen([serializer('json')], () => undefined);
    const attempt = connectWebSocket(listener.url, { serializers: [serializer('cbor')] });
    await expect(attempt).rejects.toThrow(TransportError);
    await expect(attempt).rejects.toMatchObject({
      code: 'UPGRADE_REFUSED',
      message: expect.stringMatching(/HTTP 400.*no common subprotocol.*wamp\.2\.json/),
    });
  });

  it('refuses the upgrade with 400 when no subprotocol is offered', async () => {
    const listener = await listen([serializer('json')], () => undefined);
    const socket = new WebSocket(listener.url);
    socket.on('error', () => undefined);
    const status = await new Promise<number>((resolve) =>
      socket.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
        socket.terminate();
      }),
    );
    expect(status).toBe(400);
  });

  it('answers 404 on a wrong path', async () => {
    const listener = await listen(SERIALIZERS, () => undefined);
    const url = listener.url.replace(/\/ws$/, '/elsewhere');
    await expect(connectWebSocket(url)).rejects.toMatchObject({
      code: 'UPGRADE_REFUSED',
      message: expect.stringContaining('HTTP 404'),
    });
  });

  describe('against a server that misbehaves', () => {
    async function oddServer(pick: string | false): Promise<string> {
      const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => pick });
      cleanup.push(() => new Promise((resolve) => wss.close(resolve)));
      await new Promise((resolve) => wss.once('listening', resolve));
      wss.on('connection', (ws) => ws.on('error', () => undefined));
      return `ws://127.0.0.1:${(wss.address() as { port: number }).port}/ws`;
    }

    it('fails when the server picks no subprotocol', async () => {
      const url = await oddServer(false);
      await expect(connectWebSocket(url, { serializers: [serializer('json')] })).rejects.toMatchObject({
        name: 'TransportError',
        code: 'SUBPROTOCOL',
        message: expect.stringContaining(url),
      });
    });

    it('fails when the server picks a subprotocol we did not offer', async () => {
      const url = await oddServer('wamp.2.cbor');
      await expect(connectWebSocket(url, { serializers: [serializer('json')] })).rejects.toMatchObject({
        code: 'SUBPROTOCOL',
      });
    });
  });
});
