import { connect, type Client } from '../../src/client/connect';
import type { ConnectionCloseInfo } from '../../src/client/connection';
import type { SessionCloseInfo } from '../../src/client/types';
import { SessionClosedError } from '../../src/client/errors';
import { MessageType } from '../../src/protocol/messages';
import type { Transport } from '../../src/transport/transport';
import { Router } from '../../src/router';
import { FaultProxy } from '../helpers/fault-proxy';
import { until } from '../helpers/until';
import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** autobahn-python joins `realms` in turn over one WebSocket; what it saw, as JSON. */
function pythonRejoins(url: string, realms: string[]): Promise<Record<string, unknown>[]> {
  const script = join(__dirname, '..', 'helpers', 'autobahn-python-rejoin.py');
  return new Promise((resolve, reject) =>
    execFile('/usr/bin/python3', [script, url, ...realms], { timeout: 15000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`autobahn-python failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>[]);
    }),
  );
}

// autobahn's idioms over loopback against the embedded router: lifecycle callbacks given to
// connect(), a list of transports with failover, leave() and join() on one connection.
describe('autobahn idioms', () => {
  let router: Router;
  let url: string;
  let port: number;
  const clients: Client[] = [];
  const proxies: FaultProxy[] = [];

  beforeAll(async () => {
    router = await Router.start({
      listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0 }],
      realms: [{ name: 'realm1' }, { name: 'other' }],
    });
    url = router.listeners[0].url;
    port = router.listeners[0].port!;
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(proxies.splice(0).map((p) => p.stop()));
  });

  afterAll(() => router.stop());

  const fast = { initialDelay: 20, maxDelay: 50, jitter: 0 };

  describe('lifecycle callbacks given to connect()', () => {
    it('fire from the very first connection, then on every reconnect', async () => {
      const proxy = await FaultProxy.start(port);
      proxies.push(proxy);
      const seen: string[] = [];
      const client = await connect({
        url: `ws://127.0.0.1:${proxy.port}/ws`,
        reconnect: fast,
        onConnect: (transport: Transport) => seen.push(`connect ${transport.kind}`),
        onJoin: (session) => seen.push(`join ${session.realm} ${session.id > 0}`),
        onLeave: (info: SessionCloseInfo) => seen.push(`leave ${info.reason}`),
        onDisconnect: (info: ConnectionCloseInfo) => {
          seen.push(`disconnect willRetry=${info.willRetry}`);
        },
      });
      clients.push(client);
      // Before connect() resolved: the first transport and the first join.
      expect(seen).toEqual(['connect websocket', 'join realm1 true']);
      proxy.cut();
      await until(() => seen.length >= 6, { what: 'the reconnect' });
      expect(seen.slice(2)).toEqual([
        'leave wservice.error.connection_lost',
        'disconnect willRetry=true',
        'connect websocket',
        'join realm1 true',
      ]);
    });

    it('onDisconnect returning true stops reconnecting, as autobahn onclose does', async () => {
      const proxy = await FaultProxy.start(port);
      proxies.push(proxy);
      let opens = 0;
      const closes: ConnectionCloseInfo[] = [];
      const client = await connect({
        url: `ws://127.0.0.1:${proxy.port}/ws`,
        reconnect: fast,
        onConnect: () => (opens += 1),
        onDisconnect: (info) => {
          closes.push(info);
          return true;
        },
      });
      clients.push(client);
      proxy.cut();
      await until(() => closes.length === 1, { what: 'the disconnect' });
      await new Promise((resolve) => setTimeout(resolve, 300)); // several retry delays
      expect(opens).toBe(1);
      expect(closes).toHaveLength(1);
      expect(closes[0].willRetry).toBe(true);
      await expect(client.call('x.y')).rejects.toBeInstanceOf(SessionClosedError);
    });
  });

  describe('a list of router URLs', () => {
    it('tries them in turn: the first that answers is joined', async () => {
      const dead = await FaultProxy.start(port);
      dead.refuse();
      proxies.push(dead);
      const client = await connect({ url: [`ws://127.0.0.1:${dead.port}/ws`, url], reconnect: fast });
      clients.push(client);
      expect(client.session?.isOpen).toBe(true);
    });

    it('fails over to the next URL when the current router goes away', async () => {
      const first = await FaultProxy.start(port);
      const second = await FaultProxy.start(port);
      proxies.push(first, second);
      const urls = [first, second].map((p) => `ws://127.0.0.1:${p.port}/ws`);
      const client = await connect({ url: urls, reconnect: fast });
      clients.push(client);
      expect(first.linkCount).toBe(1);
      first.refuse();
      first.cut();
      await until(() => client.session?.isOpen === true && second.linkCount === 1, {
        what: 'the failover',
      });
      expect(first.linkCount).toBe(0);
      await expect(client.session!.call('wamp.session.count')).resolves.toBeDefined();
    });

    it('names every URL and its failure when none answers, and refuses an empty list', async () => {
      const a = await FaultProxy.start(port);
      const b = await FaultProxy.start(port);
      proxies.push(a, b);
      a.refuse();
      b.refuse();
      const urls = [a, b].map((p) => `ws://127.0.0.1:${p.port}/ws`);
      const error = (await connect({ url: urls, connectTimeout: 2000 }).catch((e: unknown) => e)) as Error;
      expect(error.name).toBe('TransportError');
      expect(error.message).toMatch(/^no router reachable: /);
      for (const u of urls) expect(error.message).toContain(`${u}: `);
      await expect(connect({ url: [] })).rejects.toMatchObject({ code: 'INVALID_URL' });
    });
  });

  describe('leave() and join() again on one connection', () => {
    it('rejoins on the same WebSocket, the same realm or another, keeping registrations', async () => {
      const proxy = await FaultProxy.start(port);
      proxies.push(proxy);
      const hellos: string[] = [];
      const events: string[] = [];
      const client = await connect({
        url: `ws://127.0.0.1:${proxy.port}/ws`,
        onMessage: {
          outbound: (m) => {
            if (m.type === MessageType.HELLO) hellos.push(m.realm);
          },
        },
        onJoin: (s) => events.push(`join ${s.realm}`),
        onLeave: (info) => events.push(`leave ${info.reason}`),
      });
      clients.push(client);
      await client.register('idioms.where', (_a, _k, context) => context.procedure);
      const firstId = client.session!.id;

      await client.leave();
      expect(client.session).toBeUndefined();
      await expect(client.call('idioms.where')).rejects.toBeInstanceOf(SessionClosedError);

      const again = await client.join();
      expect(again.realm).toBe('realm1');
      expect(again.id).not.toBe(firstId);
      await expect(client.call('idioms.where')).resolves.toBe('idioms.where');

      await client.leave();
      const other = await client.join('other');
      expect(other.realm).toBe('other');
      await expect(client.call('idioms.where')).resolves.toBe('idioms.where');

      expect(hellos).toEqual(['realm1', 'realm1', 'other']);
      // Every join went over the one TCP connection of the first connect.
      expect(proxy.accepted).toBe(1);
      expect(events).toEqual([
        'join realm1',
        'leave wamp.close.normal',
        'join realm1',
        'leave wamp.close.normal',
        'join other',
      ]);
    });

    it('our router takes autobahn-python leaving and joining again on one WebSocket', async () => {
      const proxy = await FaultProxy.start(port);
      proxies.push(proxy);
      const log = await pythonRejoins(`ws://127.0.0.1:${proxy.port}/ws`, ['realm1', 'other', 'realm1']);
      expect(log).toEqual([
        { realm: 'realm1', session: expect.any(Number), count: expect.any(Number) },
        { left: 'wamp.close.goodbye_and_out' },
        { realm: 'other', session: expect.any(Number), count: expect.any(Number) },
        { left: 'wamp.close.goodbye_and_out' },
        { realm: 'realm1', session: expect.any(Number), count: expect.any(Number) },
        { left: 'wamp.close.goodbye_and_out' },
      ]);
      expect(new Set(log.filter((e) => 'session' in e).map((e) => e.session)).size).toBe(3);
      expect(proxy.accepted).toBe(1);
    });

    it('does not reconnect while left, and join() needs a leave() first', async () => {
      const client = await connect({ url, reconnect: fast });
      clients.push(client);
      await expect(client.join()).rejects.toThrow(/join\(\) needs a leave\(\) first/);
      await client.leave();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(client.session).toBeUndefined();
      await client.join();
      expect(client.session?.isOpen).toBe(true);
    });

    it('opens a new transport when the kept one closed meanwhile', async () => {
      const proxy = await FaultProxy.start(port);
      proxies.push(proxy);
      const client = await connect({ url: `ws://127.0.0.1:${proxy.port}/ws` });
      clients.push(client);
      await client.leave();
      proxy.cut();
      await until(() => proxy.linkCount === 0, { what: 'the cut' });
      const session = await client.join();
      expect(session.isOpen).toBe(true);
      expect(proxy.accepted).toBe(2);
    });
  });
});
