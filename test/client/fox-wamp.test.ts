import { until } from '../helpers/until';
import { createHmac, pbkdf2Sync } from 'node:crypto';
import { connect, type Client } from '../../src/client/connect';
import { CallCanceledError, CallTimeoutError, SessionClosedError } from '../../src/client/errors';
import type { Session } from '../../src/client/session';
import { Result } from '../../src/client/types';
import { ErrorUri, RemoteError, WampError } from '../../src/protocol/errors';
import { MessageType, type Message } from '../../src/protocol/messages';
import { startFox, type FoxRouter } from './fox-router';

/**
 * The client against a third-party router, fox-wamp (WebSocket + JSON, basic profile plus
 * progressive results and publisher exclusion), on loopback. Its known quirks: callee error
 * URIs arrive wrapped in `wamp.error.callee_failure`, and it ignores CANCEL.
 */
describe('client against fox-wamp', () => {
  let fox: FoxRouter;
  const clients: Client[] = [];

  async function client(options: Parameters<typeof connect>[0] = {}): Promise<Client> {
    const opened = await connect(typeof options === 'string' ? options : { url: fox.url, ...options });
    clients.push(opened);
    return opened;
  }

  beforeEach(async () => {
    fox = await startFox();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await fox.stop();
  });

  it('joins and leaves cleanly, reading its wamp.error.goodbye_and_out reply', async () => {
    const a = await client(fox.url);
    const session = a.session as Session;
    expect(session.id).toBeGreaterThan(0);
    expect(session.features.has('dealer', 'progressive_call_results')).toBe(true);
    const inbound: Message[] = [];
    session.hooks.onInbound((m) => {
      inbound.push(m);
    });
    await a.close();
    expect(inbound).toEqual([
      expect.objectContaining({ type: MessageType.GOODBYE, reason: 'wamp.error.goodbye_and_out' }),
    ]);
    expect((await session.closed).reason).toBe(ErrorUri.CLOSE_NORMAL);
  });

  it('calls a procedure another client registered: values, Result, kwargs and the context', async () => {
    const callee = await client();
    const caller = await client();
    const seen: unknown[] = [];
    await callee.register('calc.add', (args, kwargs, context) => {
      seen.push(context.procedure);
      return Number(args[0]) + Number(args[1]) + Number(kwargs.extra ?? 0);
    });
    await callee.register(
      'calc.divmod',
      ([a, b]) => new Result([Math.floor(Number(a) / Number(b)), Number(a) % Number(b)]),
    );
    await callee.register('calc.nothing', () => undefined);

    await expect(caller.call('calc.add', [2, 3])).resolves.toBe(5);
    await expect(caller.call('calc.add', [2, 3], { extra: 10 })).resolves.toBe(15);
    await expect(caller.call('calc.divmod', [7, 2])).resolves.toMatchObject({ args: [3, 1] });
    await expect(caller.call('calc.nothing')).resolves.toBeUndefined();
    expect(seen).toEqual(['calc.add', 'calc.add']);

    const calc = caller.proxy<{ add(a: number, b: number): number }>('calc');
    await expect(calc.add(20, 22)).resolves.toBe(42);
  });

  it('reports errors: no such procedure, and callee errors wrapped by fox-wamp', async () => {
    const callee = await client();
    const caller = await client();
    await expect(caller.call('nobody.home')).rejects.toMatchObject({ uri: ErrorUri.NO_SUCH_PROCEDURE });
    await callee.register('shop.buy', () => {
      throw new WampError('shop.error.out_of_stock', ['sku-1']);
    });
    const error = await caller.call('shop.buy').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    // fox-wamp quirk: the callee's URI travels as the first argument of callee_failure.
    expect(error).toMatchObject({ uri: 'wamp.error.callee_failure', args: ['shop.error.out_of_stock'] });
  });

  it('delivers progressive results', async () => {
    const callee = await client();
    const caller = await client();
    await callee.register('count.to', async ([to], _kwargs, context) => {
      for (let i = 1; i < Number(to); i++) context.progress?.([i]);
      return to;
    });
    const progress: unknown[] = [];
    const value = await caller.call('count.to', [4], {}, { onProgress: (p) => progress.push(p.args[0]) });
    expect(value).toBe(4);
    expect(progress).toEqual([1, 2, 3]);
  });

  it('enforces a timeout locally, sending no timeout option to a dealer that lacks call_timeout', async () => {
    const callee = await client();
    const caller = await client();
    const slow = await slowProcedure(callee);
    const calls: Message[] = [];
    (caller.session as Session).hooks.onOutbound((m) => void (m.type === MessageType.CALL && calls.push(m)));
    await expect(caller.call('slow.op', [], {}, { timeout: 50 })).rejects.toBeInstanceOf(CallTimeoutError);
    expect(calls).toEqual([expect.objectContaining({ options: {} })]);
    await slow.releaseAndExpectIgnored(caller);
  });

  it('cancels locally when the dealer lacks call_canceling, ignoring the late result', async () => {
    const callee = await client();
    const caller = await client();
    const slow = await slowProcedure(callee);
    const controller = new AbortController();
    const call = caller.call('slow.op', [], {}, { signal: controller.signal, cancelMode: 'kill' });
    await slow.running;
    controller.abort();
    await expect(call).rejects.toBeInstanceOf(CallCanceledError);
    await slow.releaseAndExpectIgnored(caller);
  });

  it('publishes and subscribes, with acknowledge and exclude_me', async () => {
    const subscriber = await client();
    const publisher = await client();
    const received: unknown[] = [];
    await subscriber.subscribe(
      'news.new',
      (args, kwargs, event) => void received.push([args, kwargs, event.topic]),
    );
    const own: unknown[] = [];
    await publisher.subscribe('news.new', (args) => void own.push(args[0]));

    await expect(
      publisher.publish('news.new', ['a'], { lang: 'en' }, { acknowledge: true }),
    ).resolves.toMatchObject({
      id: expect.any(Number),
      topic: 'news.new',
    });
    await publisher.publish('news.new', ['b'], {}, { acknowledge: true, excludeMe: false });
    await until(() => received.length === 2 && own.length === 1);
    expect(received).toEqual([
      [['a'], { lang: 'en' }, 'news.new'],
      [['b'], {}, 'news.new'],
    ]);
    expect(own).toEqual(['b']);
  });

  it('unregisters and unsubscribes', async () => {
    const a = await client();
    const b = await client();
    const registration = await a.register('p.q', () => 1);
    const events: unknown[] = [];
    const subscription = await a.subscribe('t.u', (args) => void events.push(args[0]));
    await registration.unregister();
    await subscription.unsubscribe();
    await expect(b.call('p.q')).rejects.toMatchObject({ uri: ErrorUri.NO_SUCH_PROCEDURE });
    await b.publish('t.u', [1], {}, { acknowledge: true });
    await b.call('wamp.session.count'); // a round trip, so a stray EVENT would have arrived
    expect(events).toEqual([]);
  });

  it('reconnects after the router restarts on the same port and restores everything', async () => {
    const service = await client({ reconnect: { initialDelay: 20, maxDelay: 100, jitter: 0.2 } });
    const events: unknown[] = [];
    const registration = await service.register('svc.echo', ([x]) => x);
    const subscription = await service.subscribe('svc.events', (args) => void events.push(args[0]));
    const firstId = registration.id;
    const leaves: string[] = [];
    service.connection.on('leave', (info) => leaves.push(info.reason));
    const rejoined = new Promise<Session>((resolve) => service.connection.once('join', resolve));

    let invoked!: () => void;
    const slowInvoked = new Promise<void>((resolve) => (invoked = resolve));
    await service.register('svc.slow', () => {
      invoked();
      return new Promise(() => undefined);
    });
    const inFlight = service.call('svc.slow');
    await slowInvoked;
    const port = fox.port;
    await fox.stop();
    await expect(inFlight).rejects.toMatchObject({ uri: 'wservice.error.connection_lost' });
    await expect(inFlight).rejects.toBeInstanceOf(SessionClosedError);
    expect(registration.active).toBe(false);

    fox = await startFox(port);
    const session = await rejoined;
    expect(session.isOpen).toBe(true);
    expect(leaves).toEqual(['wservice.error.connection_lost']);
    expect(registration.active).toBe(true);
    expect(registration.id).not.toBe(firstId);
    expect(subscription.active).toBe(true);

    const other = await client();
    await expect(other.call('svc.echo', ['again'])).resolves.toBe('again');
    await other.publish('svc.events', ['after restart'], {}, { acknowledge: true });
    await until(() => events.length === 1);
    expect(events).toEqual(['after restart']);
  });
});

describe('authentication against fox-wamp', () => {
  let fox: FoxRouter | undefined;
  afterEach(async () => {
    await fox?.stop();
  });

  it('joins with a ticket, and is refused with a wrong one', async () => {
    fox = await startFox(0, {
      getAuthMethods: () => ['ticket'],
      ticket_auth(
        _realm: string,
        details: { authid?: string },
        secret: string,
        _extra: unknown,
        done: (err: Error | null, user?: object) => void,
      ) {
        if (details.authid === 'joe' && secret === 'joe-ticket') done(null, { user: 'joe' });
        else done(new Error('bad ticket'));
      },
    });
    const joe = await connect({ url: fox.url, authid: 'joe', ticket: 'joe-ticket' });
    expect(joe.session?.details).toMatchObject({ authid: 'joe', authmethod: 'ticket' });
    await joe.close();
    await expect(connect({ url: fox.url, authid: 'joe', ticket: 'wrong' })).rejects.toMatchObject({
      uri: ErrorUri.AUTHENTICATION_FAILED,
    });
  });

  it('joins with WAMP-CRA, salted, and is refused with a wrong secret', async () => {
    const salt = 'salt123';
    // The router stores the derived key; the client derives it from the secret and the salt.
    const derivedKey = pbkdf2Sync('peter-secret', salt, 10, 16, 'sha256').toString('base64');
    const challenges = new WeakMap<object, string>();
    fox = await startFox(0, {
      getAuthMethods: () => ['wampcra'],
      wampcra_extra(_realm: string, details: object, done: (err: Error | null, extra?: object) => void) {
        const challenge = JSON.stringify({ authid: 'peter', nonce: Math.random().toString(36) });
        challenges.set(details, challenge);
        done(null, { challenge, salt, iterations: 10, keylen: 16 });
      },
      wampcra_auth(
        _realm: string,
        details: object,
        signature: string,
        _extra: unknown,
        done: (err: Error | null, user?: object) => void,
      ) {
        const expected = createHmac('sha256', derivedKey)
          .update(challenges.get(details) ?? '')
          .digest('base64');
        if (signature === expected) done(null, {});
        else done(new Error('bad signature'));
      },
    });
    const peter = await connect({ url: fox.url, authid: 'peter', secret: 'peter-secret' });
    expect(peter.session?.details?.authmethod).toBe('wampcra');
    await peter.close();
    await expect(connect({ url: fox.url, authid: 'peter', secret: 'guess' })).rejects.toMatchObject({
      uri: ErrorUri.AUTHENTICATION_FAILED,
    });
  });
});

/**
 * Registers `slow.op` on `callee`, answering only once released. `releaseAndExpectIgnored`
 * lets it answer late and checks that the caller ignored that RESULT: its session goes on.
 */
async function slowProcedure(callee: Client) {
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  let release!: () => void;
  const answered = new Promise<void>((resolve) =>
    callee.session?.hooks.onOutbound((m) => {
      if (m.type === MessageType.YIELD) resolve();
    }),
  );
  await callee.register('slow.op', () => {
    started();
    return new Promise((resolve) => (release = () => resolve('late')));
  });
  return {
    running,
    async releaseAndExpectIgnored(caller: Client) {
      release();
      await answered;
      await callee.register('fast.op', () => 'ok');
      await expect(caller.call('fast.op')).resolves.toBe('ok');
      expect(caller.session?.isOpen).toBe(true);
    },
  };
}
