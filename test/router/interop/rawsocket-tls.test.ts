import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autobahn from 'autobahn';
import { cborSerializer, MessageType as M, msgpackSerializer } from '../../../src/protocol';
import { Router } from '../../../src/router';
import { connectRawSocket, connectWebSocket } from '../../../src/transport';
import { collector, connect, type Client, type Endpoint } from '../helpers/autobahn';
import { ScriptedPeer } from '../helpers/peer';

const TLS_DIR = join(__dirname, '..', '..', 'fixtures', 'tls');
const tls = { cert: join(TLS_DIR, 'server.crt'), key: join(TLS_DIR, 'server.key') };
const ca = readFileSync(join(TLS_DIR, 'ca.crt'), 'utf8');

describe('RawSocket and TLS listeners', () => {
  let router: Router;
  let dir: string;
  const clients: Client[] = [];
  const peers: ScriptedPeer[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wservice-router-'));
    router = await Router.start({
      listeners: [
        { type: 'rawsocket', port: 0 },
        { type: 'rawsocket', path: join(dir, 'wamp.sock') },
        { type: 'websocket', port: 0, tls },
        { type: 'rawsocket', port: 0, tls },
      ],
    });
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    for (const peer of peers.splice(0)) peer.transport.close();
  });

  afterAll(async () => {
    await router.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports every listener with its URL', () => {
    const [tcp, unix, wss, rss] = router.listeners;
    expect(tcp).toMatchObject({ type: 'rawsocket', port: expect.any(Number) });
    expect(unix).toMatchObject({ type: 'rawsocket', path: join(dir, 'wamp.sock') });
    expect(wss.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ws$/);
    expect(rss.port).toBeGreaterThan(0);
  });

  describe.each(['tcp', 'unix'])('autobahn-js over RawSocket (%s)', (kind) => {
    function endpoint(): Endpoint {
      return kind === 'tcp'
        ? { transport: 'rawsocket', host: '127.0.0.1', port: router.listeners[0].port! }
        : { transport: 'rawsocket', path: router.listeners[1].path! };
    }

    async function client(): Promise<autobahn.Session> {
      const c = await connect(endpoint());
      clients.push(c);
      return c.session;
    }

    it('calls, with progressive results and custom errors', async () => {
      const callee = await client();
      await callee.register('com.example.count', (args, _kwargs, details) => {
        if ((args![0] as number) < 0) throw new autobahn.Error('com.example.error.negative', [args![0]]);
        for (let i = 1; i <= (args![0] as number); i++) details!.progress!([i], {});
        return new autobahn.Result(['done'], { total: args![0] });
      });
      const caller = await client();
      const progress: unknown[] = [];
      const call = caller.call('com.example.count', [2], {}, { receive_progress: true }) as unknown as {
        then(
          ok: (r: autobahn.Result) => void,
          fail: (e: unknown) => void,
          onProgress: (p: unknown) => void,
        ): void;
      };
      const result = await new Promise<autobahn.Result>((resolve, reject) =>
        call.then(resolve, reject, (p) => progress.push(p)),
      );
      expect(progress).toEqual([1, 2]);
      expect([result.args, result.kwargs]).toEqual([['done'], { total: 2 }]);
      const error = (await caller.call('com.example.count', [-1]).then(
        () => undefined,
        (e: autobahn.Error) => e,
      )) as autobahn.Error;
      expect([error.error, error.args]).toEqual(['com.example.error.negative', [-1]]);
    });

    it('publishes and subscribes, with a wildcard subscription', async () => {
      const subscriber = await client();
      const events = collector<[unknown, string]>(1);
      await subscriber.subscribe(
        'com..created',
        (args, _k, details) => events.record([args![0], details!.topic]),
        {
          match: 'wildcard',
        },
      );
      const publisher = await client();
      await publisher.publish('com.shop.created', ['cart-1'], {}, { acknowledge: true });
      expect(await events.done).toEqual([['cart-1', 'com.shop.created']]);
    });
  });

  it.each([
    ['msgpack', msgpackSerializer],
    ['cbor', cborSerializer],
  ])('speaks %s over RawSocket', async (_name, serializer) => {
    const callee = new ScriptedPeer(await connectRawSocket({ port: router.listeners[0].port!, serializer }));
    const caller = new ScriptedPeer(await connectRawSocket({ path: router.listeners[1].path!, serializer }));
    peers.push(callee, caller);
    await callee.hello();
    await caller.hello();
    await callee.register('com.example.echo');
    const request = caller.call('com.example.echo', [Buffer.from('bytes')], {}, { n: 2 ** 40 });
    const invocation = await callee.expect(M.INVOCATION);
    callee.send([M.YIELD, invocation[1], {}, invocation[4], invocation[5]]);
    const result = await caller.expect(M.RESULT);
    expect(result[1]).toBe(request);
    expect(Buffer.from((result[3] as Uint8Array[])[0]).toString()).toBe('bytes');
    expect(result[4]).toEqual({ n: 2 ** 40 });
  });

  it('serves WebSocket and RawSocket over TLS', async () => {
    const overWss = new ScriptedPeer(await connectWebSocket(router.listeners[2].url, { tls: { ca } }));
    const overRss = new ScriptedPeer(
      await connectRawSocket({ port: router.listeners[3].port!, tls: { ca } }),
    );
    peers.push(overWss, overRss);
    await overWss.hello();
    await overRss.hello();
    const subscription = await overRss.subscribe('com.example.secure');
    overWss.send([M.PUBLISH, 1, {}, 'com.example.secure', ['over tls']]);
    expect((await overRss.expect(M.EVENT)).slice(0, 2)).toEqual([M.EVENT, subscription]);
  });
});
