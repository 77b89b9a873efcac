import autobahn from 'autobahn';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { jsonSerializer } from '../../src/protocol/serializers';
import {
  connectWebSocket,
  listenRawSocket,
  listenWebSocket,
  type Listener,
  type Transport,
} from '../../src/transport';
import { cleanupAfterEach, collect, deferred } from './helpers';

/**
 * Real WAMP peers at the transport level. autobahn-js, the reference WAMP client, opening a session through our listeners: it must
 * get through the handshake and subprotocol negotiation, and its HELLO must reach us intact.
 */
describe.each([
  {
    name: 'WebSocket',
    listen: (onTransport: (t: Transport) => void) => listenWebSocket({ port: 0 }, onTransport),
    transport: (listener: Listener) => ({ type: 'websocket', url: listener.url }),
  },
  {
    name: 'RawSocket',
    listen: (onTransport: (t: Transport) => void) => listenRawSocket({ port: 0 }, onTransport),
    transport: (listener: Listener) => ({ type: 'rawsocket', host: '127.0.0.1', port: listener.port }),
  },
])('autobahn-js over $name', ({ listen, transport }) => {
  const cleanup = cleanupAfterEach();

  it('sends HELLO through our listener and reads our ABORT', async () => {
    const server = deferred<Transport>();
    const listener = await listen(server.resolve);
    cleanup.push(() => listener.close());

    const connection = new autobahn.Connection({
      realm: 'realm1',
      transports: [transport(listener) as autobahn.ITransportDefinition],
      max_retries: 0,
      retry_if_unreachable: false,
    });
    const closed = new Promise<[string, unknown]>((resolve) => {
      connection.onclose = (reason: string, details: unknown) => {
        resolve([reason, details]);
        return true; // no reconnect
      };
    });
    connection.open();

    const link = await server.promise;
    expect(link.serializer.name).toBe('json');
    const atServer = collect(link);
    const [hello] = await atServer.frameCount(1);
    expect(jsonSerializer.deserialize(hello)).toEqual([
      1,
      'realm1',
      expect.objectContaining({ roles: expect.any(Object) }),
    ]);

    link.send(jsonSerializer.serialize([3, { message: 'no such realm' }, 'wamp.error.no_such_realm']));
    const [, details] = await closed;
    expect(details).toMatchObject({ reason: 'wamp.error.no_such_realm' });
    await atServer.closed;
  });
});

describe('our WebSocket client against fox-wamp', () => {
  const cleanup = cleanupAfterEach();

  it('offers every serializer, gets JSON, and completes HELLO / WELCOME', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const FoxRouter = require('fox-wamp') as new () => {
      listenWAMP(options: { server: Server; path: string }): void;
    };
    const http = createServer();
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const sockets = new Set<Socket>();
    http.on('upgrade', (_req, socket: Socket) => sockets.add(socket));
    cleanup.push(() => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => http.close(resolve));
    });
    new FoxRouter().listenWAMP({ server: http, path: '/wamp' });

    const client = await connectWebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/wamp`);
    cleanup.push(() => client.close());
    expect(client.serializer.name).toBe('json');
    const atClient = collect(client);
    client.send(jsonSerializer.serialize([1, 'realm1', { roles: { caller: {} } }]));
    const [welcome] = await atClient.frameCount(1);
    expect(jsonSerializer.deserialize(welcome)).toEqual([2, expect.any(Number), expect.any(Object)]);
  });
});
