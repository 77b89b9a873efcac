import { until } from '../helpers/until';
import {
  CallCanceledError,
  CallResult,
  CallTimeoutError,
  connect,
  ErrorUri,
  RemoteError,
  Result,
  type Client,
  type EventInfo,
} from '../../src';
import { Router } from '../../src/router';

/**
 * The client's advanced-profile features against our own router over real sockets: what
 * fox-wamp lacks (it ignores match / invoke / CANCEL / timeouts) is tested here, once per
 * serializer on WebSocket and once over RawSocket.
 */
const transports = [
  { name: 'WebSocket json', listener: 0, serializer: 'json' },
  { name: 'WebSocket msgpack', listener: 0, serializer: 'msgpack' },
  { name: 'WebSocket cbor', listener: 0, serializer: 'cbor' },
  { name: 'RawSocket json', listener: 1, serializer: 'json' },
] as const;

describe.each(transports)('client advanced features against the embedded router ($name)', (transport) => {
  let router: Router;
  const clients: Client[] = [];

  beforeAll(async () => {
    router = await Router.start({
      listeners: [
        { type: 'websocket', host: '127.0.0.1', port: 0, path: '/ws' },
        { type: 'rawsocket', host: '127.0.0.1', port: 0 },
      ],
    });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(() => router.stop());

  async function client(): Promise<Client> {
    const c = await connect({
      url: router.listeners[transport.listener].url,
      serializer: transport.serializer,
      reconnect: false,
    });
    clients.push(c);
    return c;
  }

  it('progressive results: the callee sends steps, the caller sees each before the result', async () => {
    const [callee, caller] = await Promise.all([client(), client()]);
    await callee.register('steps.run', (_a, _k, context) => {
      context.progress?.(['one']);
      context.progress?.(['two'], { n: 2 });
      return new Result(['done'], { steps: 2 });
    });
    const seen: unknown[] = [];
    const result = await caller.connection.call(
      'steps.run',
      [],
      {},
      { onProgress: (p) => seen.push([p.args, p.kwargs]) },
    );
    expect(seen).toEqual([
      [['one'], {}],
      [['two'], { n: 2 }],
    ]);
    expect(result).toBeInstanceOf(CallResult);
    expect([result.args, result.kwargs]).toEqual([['done'], { steps: 2 }]);
  });

  it('call timeout: the dealer times the call out and interrupts the callee', async () => {
    const [callee, caller] = await Promise.all([client(), client()]);
    let interrupted = false;
    await callee.register('slow.wait', (_a, _k, context) => {
      return new Promise((_resolve, reject) =>
        context.signal.addEventListener('abort', () => {
          interrupted = true;
          reject(context.signal.reason);
        }),
      );
    });
    const error = await caller.call('slow.wait', [], {}, { timeout: 50 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ uri: ErrorUri.TIMEOUT });
    expect(error instanceof CallTimeoutError || error instanceof RemoteError).toBe(true);
    await until(() => interrupted);
  });

  it.each(['skip', 'kill', 'killnowait'] as const)('cancel mode %s', async (mode) => {
    const [callee, caller] = await Promise.all([client(), client()]);
    let started = false;
    let interrupted = false;
    let finish!: () => void;
    await callee.register('slow.cancel', (_a, _k, context) => {
      started = true;
      return new Promise<string>((resolve, reject) => {
        finish = () => resolve('finished');
        context.signal.addEventListener('abort', () => {
          interrupted = true;
          reject(context.signal.reason);
        });
      });
    });
    const controller = new AbortController();
    const call = caller.call('slow.cancel', [], {}, { signal: controller.signal, cancelMode: mode });
    await until(() => started);
    controller.abort();
    const error = await call.catch((e: unknown) => e);
    expect(error).toMatchObject({ uri: ErrorUri.CANCELED });
    expect(error instanceof CallCanceledError || error instanceof RemoteError).toBe(true);
    if (mode === 'skip') {
      // The callee is not told; it finishes on its own and its late answer is dropped.
      await new Promise((r) => setTimeout(r, 50));
      expect(interrupted).toBe(false);
      finish();
    } else {
      await until(() => interrupted);
    }
  });

  it('shared registrations: round robin alternates, first and last pick one callee, a mismatch is refused', async () => {
    const [a, b, caller] = await Promise.all([client(), client(), client()]);
    await a.register('pool.rr', () => 'a', { invoke: 'roundrobin' });
    await b.register('pool.rr', () => 'b', { invoke: 'roundrobin' });
    const answers = await Promise.all(Array.from({ length: 4 }, () => caller.call('pool.rr')));
    expect([...answers].sort()).toEqual(['a', 'a', 'b', 'b']);

    await a.register('pool.first', () => 'a', { invoke: 'first' });
    await b.register('pool.first', () => 'b', { invoke: 'first' });
    expect(await Promise.all([caller.call('pool.first'), caller.call('pool.first')])).toEqual(['a', 'a']);
    await a.register('pool.last', () => 'a', { invoke: 'last' });
    await b.register('pool.last', () => 'b', { invoke: 'last' });
    expect(await caller.call('pool.last')).toBe('b');

    await expect(b.register('pool.rr', () => 'c', { invoke: 'random' })).rejects.toMatchObject({
      uri: ErrorUri.PROCEDURE_ALREADY_EXISTS,
    });
    await expect(b.register('pool.single', () => 'c')).resolves.toBeDefined();
    await expect(a.register('pool.single', () => 'd')).rejects.toMatchObject({
      uri: ErrorUri.PROCEDURE_ALREADY_EXISTS,
    });
  });

  it('pattern registrations: exact beats prefix beats wildcard, with the concrete procedure', async () => {
    const [callee, caller] = await Promise.all([client(), client()]);
    await callee.register('shop.orders.get', () => 'exact');
    await callee.register('shop.orders', (_a, _k, c) => `prefix ${c.procedure}`, { match: 'prefix' });
    await callee.register('shop..get', (_a, _k, c) => `wildcard ${c.procedure}`, { match: 'wildcard' });
    expect(await caller.call('shop.orders.get')).toBe('exact');
    expect(await caller.call('shop.orders.list')).toBe('prefix shop.orders.list');
    expect(await caller.call('shop.users.get')).toBe('wildcard shop.users.get');
  });

  it('caller and publisher disclosure', async () => {
    const [callee, caller] = await Promise.all([client(), client()]);
    await callee.register('who.am_i', (_a, _k, c) => c.caller ?? null);
    expect(await caller.call('who.am_i', [], {}, { discloseMe: true })).toBe(caller.session!.id);

    const events: EventInfo[] = [];
    await callee.subscribe('who.said', (_a, _k, e) => void events.push(e));
    await caller.publish('who.said', ['hi'], {}, { discloseMe: true, acknowledge: true });
    await until(() => events.length === 1);
    expect(events[0].publisher).toBe(caller.session!.id);
  });

  it('pattern subscriptions carry the concrete topic', async () => {
    const [subscriber, publisher] = await Promise.all([client(), client()]);
    const topics: string[] = [];
    await subscriber.subscribe('news', (_a, _k, e) => void topics.push(`prefix ${e.topic}`), {
      match: 'prefix',
    });
    await subscriber.subscribe('news..fr', (_a, _k, e) => void topics.push(`wildcard ${e.topic}`), {
      match: 'wildcard',
    });
    await publisher.publish('news.sport.fr', [], {}, { acknowledge: true });
    await until(() => topics.length === 2);
    expect(topics.sort()).toEqual(['prefix news.sport.fr', 'wildcard news.sport.fr']);
  });

  it('publish black and white lists by session, and publisher exclusion', async () => {
    const [publisher, x, y] = await Promise.all([client(), client(), client()]);
    const got: string[] = [];
    await publisher.subscribe('lists.t', () => void got.push('publisher'));
    await x.subscribe('lists.t', () => void got.push('x'));
    await y.subscribe('lists.t', () => void got.push('y'));
    const xId = x.session!.id;
    const yId = y.session!.id;

    await publisher.publish('lists.t', [], {}, { acknowledge: true, eligible: [xId] });
    await publisher.publish('lists.t', [], {}, { acknowledge: true, exclude: [xId] });
    await publisher.publish('lists.t', [], {}, { acknowledge: true, excludeMe: false, exclude: [xId, yId] });
    await until(() => got.length === 3);
    await new Promise((r) => setTimeout(r, 30));
    expect(got.sort()).toEqual(['publisher', 'x', 'y']);
  });

  it('unregister and unsubscribe take effect at the router', async () => {
    const [callee, caller] = await Promise.all([client(), client()]);
    const registration = await callee.register('gone.soon', () => 1);
    expect(await caller.call('gone.soon')).toBe(1);
    await registration.unregister();
    await expect(caller.call('gone.soon')).rejects.toMatchObject({ uri: ErrorUri.NO_SUCH_PROCEDURE });
    const subscription = await callee.subscribe('gone.topic', () => undefined);
    await subscription.unsubscribe();
    expect(await caller.call('wamp.subscription.lookup', ['gone.topic'])).toBeNull();
  });

  it('the meta API answers: sessions and registrations', async () => {
    const [callee, caller] = await Promise.all([client(), client()]);
    await callee.register('meta.visible', () => 1);
    expect(await caller.call('wamp.session.count')).toBeGreaterThanOrEqual(2);
    const id = await caller.call('wamp.registration.lookup', ['meta.visible']);
    expect(typeof id).toBe('number');
    expect(await caller.call('wamp.registration.count_callees', [id])).toBe(1);
  });
});
