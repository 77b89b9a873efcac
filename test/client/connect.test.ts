import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, DEFAULT_REALM, type Client } from '../../src/client/connect';
import type { Session } from '../../src/client/session';
import { ErrorUri } from '../../src/protocol/errors';
import { MessageType } from '../../src/protocol/messages';
import { Router } from '../../src/router';
import { createInProcessPair } from '../../src/transport/inprocess';
import { TransportError } from '../../src/transport';
import { ScriptedRouter, serialized } from './scripted-router';

const TLS_DIR = join(__dirname, '..', 'fixtures', 'tls');
const ca = readFileSync(join(TLS_DIR, 'ca.crt'), 'utf8');

describe('connect() over an in-process link', () => {
  it('joins the given realm, returns plain values, and leaves on close', async () => {
    const [clientEnd, routerEnd] = createInProcessPair();
    const router = new ScriptedRouter(serialized(routerEnd));
    const connecting = connect({ realm: 'shop', transport: async () => serialized(clientEnd) });
    expect((await router.welcome()).realm).toBe('shop');
    const client = await connecting;

    const answer = async (args: unknown[], kwargs?: Record<string, unknown>) => {
      const call = await router.next(MessageType.CALL);
      router.send({ type: MessageType.RESULT, request: call.request, details: {}, args, kwargs });
      return call;
    };
    const one = client.call<number>('calc.add', [1, 2]);
    expect(await answer([3])).toMatchObject({ procedure: 'calc.add', args: [1, 2] });
    await expect(one).resolves.toBe(3);

    const calc = client.proxy<{ mul(a: number, b: number): number }>('calc');
    const product = calc.mul(6, 7);
    expect(await answer([42])).toMatchObject({ procedure: 'calc.mul', args: [6, 7] });
    await expect(product).resolves.toBe(42);

    const rich = client.call('calc.divmod', [7, 2]);
    await answer([3, 1]);
    await expect(rich).resolves.toMatchObject({ args: [3, 1] });

    await client.close();
    expect(router.all(MessageType.GOODBYE)).toHaveLength(1);
    expect(client.session).toBeUndefined();
  });

  it('refuses a bad URL at once', async () => {
    await expect(connect('http://127.0.0.1:1/ws')).rejects.toBeInstanceOf(TransportError);
  });

  it('rejects when nothing listens, without retrying', async () => {
    await expect(connect({ url: 'ws://127.0.0.1:1/ws', connectTimeout: 2000 })).rejects.toBeInstanceOf(
      TransportError,
    );
  });
});

describe('connect() to the embedded router over every URL scheme', () => {
  let router: Router;
  let dir: string;
  let callee: Client;
  const clients: Client[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wservice-client-'));
    const tls = { cert: join(TLS_DIR, 'server.crt'), key: join(TLS_DIR, 'server.key') };
    router = await Router.start({
      listeners: [
        { type: 'websocket', port: 0 },
        { type: 'websocket', port: 0, tls },
        { type: 'rawsocket', port: 0 },
        { type: 'rawsocket', port: 0, tls },
        { type: 'rawsocket', path: join(dir, 'wamp.sock') },
        { type: 'rawsocket', port: 0, tls: { ...tls, ca: join(TLS_DIR, 'ca.crt'), requestCert: true } },
      ],
    });
    callee = await connect(router.listeners[0].url);
    await callee.register('echo.echo', ([x], _k, context) => [x, context.procedure]);
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  afterAll(async () => {
    await callee.close();
    await router.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const schemes: [string, number, string | undefined][] = [
    ['ws://', 0, undefined],
    ['ws:// with msgpack', 0, 'msgpack'],
    ['ws:// with cbor', 0, 'cbor'],
    ['wss://', 1, undefined],
    ['rs://', 2, undefined],
    ['rs:// with msgpack', 2, 'msgpack'],
    ['rss://', 3, 'cbor'],
    ['unix:', 4, undefined],
  ];

  it.each(schemes)('%s', async (_name, index, serializer) => {
    const url = router.listeners[index].url;
    const client = await connect({ url, serializer, tls: { ca } });
    clients.push(client);
    await expect(client.call('echo.echo', [{ n: 1, s: 'é' }])).resolves.toEqual([
      { n: 1, s: 'é' },
      'echo.echo',
    ]);
    expect(client.session?.realm).toBe(DEFAULT_REALM);
  });

  it('passes a client certificate through for mutual TLS', async () => {
    const url = router.listeners[5].url;
    const cert = readFileSync(join(TLS_DIR, 'client.crt'), 'utf8');
    const key = readFileSync(join(TLS_DIR, 'client.key'), 'utf8');
    const client = await connect({ url, tls: { ca, cert, key } });
    clients.push(client);
    await expect(client.call('echo.echo', ['mtls'])).resolves.toEqual(['mtls', 'echo.echo']);
    const refused = await connect({ url, tls: { ca }, connectTimeout: 5000 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TransportError);
    expect(String(refused)).toMatch(/certificate required/);
  });

  it('reads ca, cert and key given as file paths, as the router does', async () => {
    const tls = {
      ca: join(TLS_DIR, 'ca.crt'),
      cert: join(TLS_DIR, 'client.crt'),
      key: join(TLS_DIR, 'client.key'),
    };
    const client = await connect({ url: router.listeners[5].url, tls });
    clients.push(client);
    await expect(client.call('echo.echo', ['paths'])).resolves.toEqual(['paths', 'echo.echo']);
    const wss = await connect({ url: router.listeners[1].url, tls: { ca: [join(TLS_DIR, 'ca.crt')] } });
    clients.push(wss);
    await expect(wss.call('echo.echo', ['wss'])).resolves.toEqual(['wss', 'echo.echo']);
  });

  it('refuses a TLS file it cannot read at once, naming the option and the path', async () => {
    const missing = join(dir, 'no-such-ca.crt');
    const error = await connect({ url: router.listeners[1].url, tls: { ca: missing } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code: 'TLS_FILE' });
    expect(String(error)).toContain(`tls.ca: cannot read "${missing}"`);
  });

  it('fails TLS against an unknown CA', async () => {
    await expect(connect({ url: router.listeners[1].url, connectTimeout: 5000 })).rejects.toBeInstanceOf(
      TransportError,
    );
  });

  it('reads WSERVICE_ROUTER and WSERVICE_REALM when given no URL', async () => {
    const saved = { router: process.env.WSERVICE_ROUTER, realm: process.env.WSERVICE_REALM };
    process.env.WSERVICE_ROUTER = router.listeners[2].url;
    process.env.WSERVICE_REALM = 'other_realm';
    try {
      const client = await connect();
      clients.push(client);
      expect(client.session?.realm).toBe('other_realm');
    } finally {
      for (const [key, value] of Object.entries({
        WSERVICE_ROUTER: saved.router,
        WSERVICE_REALM: saved.realm,
      })) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it('uses the advanced features the embedded router announces', async () => {
    const service = await connect(router.listeners[0].url);
    const caller = await connect(router.listeners[2].url);
    clients.push(service, caller);
    const session = caller.session as Session;
    expect(session.features.has('dealer', 'call_canceling')).toBe(true);

    // A prefix registration shared by round robin, with the caller disclosed.
    await service.register('shop.', (_a, _k, c) => [c.procedure, c.caller], {
      match: 'prefix',
      invoke: 'roundrobin',
      discloseCaller: true,
    });
    await expect(caller.call('shop.orders.list')).resolves.toEqual(['shop.orders.list', session.id]);

    // kill: the callee sees the interrupt, the caller gets wamp.error.canceled.
    let interrupted!: () => void;
    const sawInterrupt = new Promise<void>((resolve) => (interrupted = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    await service.register('slow.op', (_a, _k, context) => {
      started();
      return new Promise((_resolve, reject) =>
        context.signal.addEventListener('abort', () => {
          interrupted();
          reject(context.signal.reason);
        }),
      );
    });
    const controller = new AbortController();
    const call = caller.call('slow.op', [], {}, { signal: controller.signal, cancelMode: 'kill' });
    await running;
    controller.abort();
    await sawInterrupt;
    await expect(call).rejects.toMatchObject({ uri: ErrorUri.CANCELED });
  });
});
