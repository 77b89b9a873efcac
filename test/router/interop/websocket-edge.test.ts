import { WebSocket } from 'ws';
import { MessageType as M, msgpackSerializer } from '../../../src/protocol';
import { Router } from '../../../src/router';
import { collector, connect, type Client } from '../helpers/autobahn';
import { ScriptedPeer } from '../helpers/peer';

describe('the router over real WebSockets', () => {
  let router: Router;
  let url: string;
  const clients: Client[] = [];

  beforeEach(async () => {
    router = await Router.start({
      listeners: [{ type: 'websocket', port: 0 }],
      limits: {
        maxMessageSize: 64 * 1024,
        outboundHighWaterMark: 256 * 1024,
        outboundHardLimit: 1024 * 1024,
        shutdownTimeout: 500,
      },
    });
    url = router.listeners[0].url;
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
    await router.stop();
  });

  async function autobahnClient(serializer: 'json' | 'msgpack' | 'cbor' = 'json'): Promise<Client> {
    const client = await connect({ transport: 'websocket', url, serializer });
    clients.push(client);
    return client;
  }

  it('aborts a session that sends a frame its serializer cannot read, and only that one', async () => {
    const bystander = await autobahnClient();
    await bystander.session.register('com.example.ping', () => 'pong');
    for (const [serializer, frame] of [
      ['json', '[1, "realm1", {'],
      ['msgpack', new Uint8Array([0xc1])],
    ] as const) {
      const peer = await ScriptedPeer.connect(url, serializer);
      await peer.hello();
      peer.sendRaw(frame);
      const abort = await peer.expect(M.ABORT);
      expect(abort[2]).toBe('wamp.error.protocol_violation');
      expect((abort[1] as { message: string }).message).toEqual(expect.any(String));
      await peer.closed;
    }
    expect(await bystander.session.call('com.example.ping')).toBe('pong');
  });

  it('aborts a session whose message exceeds maxMessageSize with payload_size_exceeded', async () => {
    const peer = await ScriptedPeer.connect(url);
    await peer.hello();
    peer.send([M.PUBLISH, 1, {}, 'com.example.t', ['x'.repeat(100 * 1024)]]);
    const abort = await peer.expect(M.ABORT);
    expect(abort[2]).toBe('wamp.error.payload_size_exceeded');
    await peer.closed;
    expect(router.sessionCount).toBe(0);
  });

  it('serves json, msgpack and cbor clients in one realm, binary payloads included', async () => {
    const subscribers = [
      await autobahnClient('json'),
      await autobahnClient('msgpack'),
      await autobahnClient('cbor'),
    ];
    const events = collector<[string, unknown]>(3);
    for (const [name, c] of [
      ['json', subscribers[0]],
      ['msgpack', subscribers[1]],
      ['cbor', subscribers[2]],
    ] as const) {
      await c.session.subscribe('com.example.blob', (args) => events.record([name, args![0]]));
    }
    // A scripted msgpack publisher sends real bytes (autobahn's JSON peer has no bytes).
    const publisher = await ScriptedPeer.connect(url, 'msgpack');
    await publisher.hello();
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    publisher.send([M.PUBLISH, 1, { acknowledge: true }, 'com.example.blob', [bytes]]);
    await publisher.expect(M.PUBLISHED);
    const received = Object.fromEntries(await events.done);
    // spec: JSON carries bytes as "\0" + base64; binary serializers carry them as bytes.
    expect(received.json).toBe(`\u0000${bytes.toString('base64')}`);
    expect(Buffer.from(received.msgpack as Uint8Array)).toEqual(bytes);
    expect(Buffer.from(received.cbor as Uint8Array)).toEqual(bytes);
    publisher.transport.close();
    expect(msgpackSerializer.name).toBe('msgpack');
  });

  it('drops events to a subscriber that stops reading, and delivers again once it drains', async () => {
    // A raw subscriber whose socket stops reading: the router's buffer for it would only grow.
    const slow = new WebSocket(url, ['wamp.2.json']);
    const inbox: unknown[][] = [];
    let onMessage: (() => void) | undefined;
    slow.on('message', (data) => {
      inbox.push(JSON.parse(String(data)) as unknown[]);
      onMessage?.();
    });
    const until = (test: () => boolean) =>
      new Promise<void>((resolve) => {
        onMessage = () => test() && resolve();
        if (test()) resolve();
      });
    await new Promise((resolve) => slow.once('open', resolve));
    slow.send(JSON.stringify([M.HELLO, 'realm1', { roles: { subscriber: {} } }]));
    slow.send(JSON.stringify([M.SUBSCRIBE, 1, {}, 'com.example.flood']));
    await until(() => inbox.some((m) => m[0] === M.SUBSCRIBED));
    const socket = (slow as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();

    const publisher = await autobahnClient();
    const payload = 'x'.repeat(32 * 1024);
    const published = 400; // 12.8 MB: more than the kernel buffers and the high-water mark hold
    for (let i = 0; i < published; i++) {
      await publisher.session.publish('com.example.flood', [i, payload], {}, { acknowledge: true });
    }
    socket.resume();
    // Until the backlog drains, even the marker may be dropped: send it until one arrives.
    const isMarker = (m: unknown[]) => m[0] === M.EVENT && (m[4] as unknown[])[0] === 'end';
    for (let attempt = 0; attempt < 200 && !inbox.some(isMarker); attempt++) {
      await publisher.session.publish('com.example.flood', ['end'], {}, { acknowledge: true });
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await until(() => inbox.some(isMarker));
    const delivered = inbox.filter((m) => m[0] === M.EVENT && !isMarker(m)).length;
    expect(delivered).toBeGreaterThan(0);
    expect(delivered).toBeLessThan(published);
    // The slow session survived (only results count towards the hard limit) and everyone was served.
    expect(await publisher.session.call('wamp.session.count')).toBe(2);
    slow.terminate();
  });

  it('says GOODBYE wamp.close.system_shutdown to autobahn clients when it stops', async () => {
    const client = await autobahnClient();
    const closed = new Promise<unknown>((resolve) => {
      client.connection.onclose = (_reason, details) => {
        resolve(details);
        return true;
      };
    });
    clients.splice(0);
    await router.stop();
    expect(await closed).toMatchObject({ reason: 'wamp.close.system_shutdown' });
  });
});
