import { DEFAULT_RECONNECT, reconnectPolicy, retryDelay } from '../../src/client/backoff';
import { Connection, type ConnectionCloseInfo, type ConnectionOptions } from '../../src/client/connection';
import { ClientErrorUri, SessionClosedError } from '../../src/client/errors';
import type { Session } from '../../src/client/session';
import { ErrorUri } from '../../src/protocol/errors';
import { MessageType, type Message } from '../../src/protocol/messages';
import { createInProcessPair } from '../../src/transport/inprocess';
import { TransportError } from '../../src/transport/transport';
import { ALL_FEATURES, ScriptedRouter, flush, recordingLogger, serialized } from './scripted-router';

/** A transport factory whose routers the test scripts; `refuse` makes the next opens fail. */
function routerFarm() {
  const routers: ScriptedRouter[] = [];
  const waiting: ((router: ScriptedRouter) => void)[] = [];
  const unclaimed: ScriptedRouter[] = [];
  let refusals = 0;
  const farm = {
    routers,
    refuse(times: number) {
      refusals = times;
    },
    opens: 0,
    factory: async () => {
      farm.opens += 1;
      if (refusals > 0) {
        refusals -= 1;
        throw new TransportError('connection refused', 'ECONNREFUSED');
      }
      const [clientEnd, routerEnd] = createInProcessPair();
      const router = new ScriptedRouter(serialized(routerEnd));
      routers.push(router);
      const waiter = waiting.shift();
      if (waiter) waiter(router);
      else unclaimed.push(router);
      return serialized(clientEnd);
    },
    /** The next router a connect reaches. */
    next(): Promise<ScriptedRouter> {
      const router = unclaimed.shift();
      if (router) return Promise.resolve(router);
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
  return farm;
}

function connection(farm: ReturnType<typeof routerFarm>, options: Partial<ConnectionOptions> = {}) {
  return new Connection({
    realm: 'realm1',
    transport: farm.factory,
    reconnect: { initialDelay: 5, maxDelay: 20, jitter: 0 },
    ...options,
  });
}

/** Answers REGISTER / SUBSCRIBE with ids from `firstId` up, as a router would. */
function serveEntries(router: ScriptedRouter, firstId: number): void {
  let id = firstId;
  const answer = (message: Message) => {
    if (message.type === MessageType.REGISTER) {
      router.send({ type: MessageType.REGISTERED, request: message.request, registration: id++ });
    } else if (message.type === MessageType.SUBSCRIBE) {
      router.send({ type: MessageType.SUBSCRIBED, request: message.request, subscription: id++ });
    }
  };
  router.received.forEach(answer);
  const push = router.received.push.bind(router.received);
  router.received.push = (...messages: Message[]) => {
    const length = push(...messages);
    messages.forEach(answer);
    return length;
  };
}

describe('backoff', () => {
  const policy = reconnectPolicy({ initialDelay: 100, maxDelay: 1000, multiplier: 3, jitter: 0.5 });

  it('grows by the multiplier up to maxDelay', () => {
    const middle = () => 0.5;
    expect([0, 1, 2, 3, 4].map((n) => retryDelay(n, policy, middle))).toEqual([100, 300, 900, 1000, 1000]);
  });

  it('varies by ± jitter and never exceeds maxDelay', () => {
    expect(retryDelay(0, policy, () => 0)).toBe(50);
    expect(retryDelay(0, policy, () => 1)).toBe(150);
    expect(retryDelay(5, policy, () => 1)).toBe(1000);
    expect(retryDelay(5, policy, () => 0)).toBe(500);
  });

  it('by default waits at most 2 s, however many retries came before, and keeps its jitter', () => {
    const delays = Array.from({ length: 200 }, (_, n) => retryDelay(n, DEFAULT_RECONNECT));
    expect(Math.max(...delays)).toBeLessThanOrEqual(2000);
    // Retries after a long outage still spread (1.8 s .. 2 s), so clients do not come back in step.
    expect(new Set(delays.slice(10)).size).toBeGreaterThan(10);
  });

  it('has documented defaults and refuses values out of range', () => {
    expect(reconnectPolicy()).toEqual(DEFAULT_RECONNECT);
    expect(DEFAULT_RECONNECT).toMatchObject({
      initialDelay: 1000,
      maxDelay: 2000,
      multiplier: 2,
      jitter: 0.1,
    });
    expect(() => reconnectPolicy({ initialDelay: -1 })).toThrow(/initialDelay/);
    expect(() => reconnectPolicy({ initialDelay: 10, maxDelay: 5 })).toThrow(/maxDelay/);
    expect(() => reconnectPolicy({ multiplier: 0.5 })).toThrow(/multiplier/);
    expect(() => reconnectPolicy({ jitter: 2 })).toThrow(/jitter/);
    expect(() => reconnectPolicy({ maxRetries: 1.5 })).toThrow(/maxRetries/);
    expect(
      () =>
        new Connection({
          realm: 'r',
          transport: async () => Promise.reject(new Error()),
          reconnect: { jitter: -1 },
        }),
    ).toThrow(RangeError);
  });
});

describe('Connection', () => {
  it('opens, joins and emits open then join', async () => {
    const farm = routerFarm();
    const conn = connection(farm);
    const events: string[] = [];
    conn.on('open', () => events.push('open'));
    conn.on('join', () => events.push('join'));
    const opened = conn.open();
    await (await farm.next()).welcome();
    const session = await opened;
    expect(session.isOpen).toBe(true);
    expect(conn.session).toBe(session);
    expect(events).toEqual(['open', 'join']);
    await conn.close();
    expect(conn.session).toBeUndefined();
  });

  it('reconnects after a loss, fails in-flight calls at once, and restores entries with their options', async () => {
    const farm = routerFarm();
    const conn = connection(farm);
    const events: string[] = [];
    const closes: ConnectionCloseInfo[] = [];
    conn.on('leave', (info) => events.push(`leave:${info.reason}`));
    conn.on('close', (info) => closes.push(info));
    conn.on('join', () => events.push('join'));
    const opened = conn.open();
    const first = await farm.next();
    await first.welcome();
    await opened;
    serveEntries(first, 10);

    const calls: string[] = [];
    const registration = await conn.register('com.app.', (args) => `served ${String(args[0])}`, {
      match: 'prefix',
      invoke: 'roundrobin',
    });
    const seen: unknown[] = [];
    const subscription = await conn.subscribe('news', (args) => void seen.push(args[0]));
    expect(registration.id).toBe(10);
    expect(subscription.id).toBe(11);

    const inFlight = conn.call('slow.thing');
    await first.next(MessageType.CALL);
    const secondRouter = farm.next();
    first.transport.close(1006, 'router gone');
    const error = await inFlight.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionClosedError);
    expect(error).toMatchObject({ uri: ClientErrorUri.CONNECTION_LOST });
    expect(registration.active).toBe(false);
    await expect(conn.call('while.down')).rejects.toMatchObject({ uri: ClientErrorUri.NOT_CONNECTED });
    calls.push('down');

    const second = await secondRouter;
    const joined = new Promise<Session>((resolve) => conn.once('join', resolve));
    serveEntries(second, 50);
    await second.welcome(ALL_FEATURES, 2);
    const session = await joined;
    expect(session.id).toBe(2);
    expect(second.all(MessageType.REGISTER)).toEqual([
      expect.objectContaining({ procedure: 'com.app.', options: { match: 'prefix', invoke: 'roundrobin' } }),
    ]);
    expect(second.all(MessageType.SUBSCRIBE)).toEqual([
      expect.objectContaining({ topic: 'news', options: {} }),
    ]);
    expect(registration).toMatchObject({ id: 50, active: true });
    expect(subscription).toMatchObject({ id: 51, active: true });

    // The original handlers serve the new session.
    second.send({
      type: MessageType.INVOCATION,
      request: 1,
      registration: 50,
      details: { procedure: 'com.app.x' },
      args: [7],
    });
    expect(await second.next(MessageType.YIELD)).toMatchObject({ args: ['served 7'] });
    second.send({ type: MessageType.EVENT, subscription: 51, publication: 1, details: {}, args: ['hi'] });
    await flush();
    expect(seen).toEqual(['hi']);

    expect(events).toEqual(['join', `leave:${ClientErrorUri.CONNECTION_LOST}`, 'join']);
    expect(closes).toEqual([expect.objectContaining({ willRetry: true, retryIn: 5, retries: 1 })]);
    expect(calls).toEqual(['down']);
    await conn.close();
  });

  it('retries with growing delays until maxRetries, then gives up', async () => {
    const farm = routerFarm();
    const conn = connection(farm, {
      reconnect: { initialDelay: 2, multiplier: 2, maxDelay: 100, jitter: 0, maxRetries: 3 },
      retryFirstConnect: true,
    });
    farm.refuse(10);
    const closes: ConnectionCloseInfo[] = [];
    conn.on('close', (info) => closes.push(info));
    const error = await conn.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(closes.map((c) => [c.willRetry, c.retryIn])).toEqual([
      [true, 2],
      [true, 4],
      [true, 8],
      [false, undefined],
    ]);
    expect(farm.opens).toBe(4);
    await expect(conn.register('p', () => 1)).rejects.toBe(error);
  });

  it('retries the first connect only when asked to', async () => {
    const refused = routerFarm();
    refused.refuse(1);
    await expect(connection(refused).open()).rejects.toBeInstanceOf(TransportError);
    expect(refused.opens).toBe(1);

    const patient = routerFarm();
    patient.refuse(2);
    const conn = connection(patient, { retryFirstConnect: true });
    const opened = conn.open();
    await (await patient.next()).welcome();
    await expect(opened).resolves.toMatchObject({ isOpen: true });
    expect(patient.opens).toBe(3);
    await conn.close();
  });

  it('does not retry a refusal no retry can fix', async () => {
    const farm = routerFarm();
    const conn = connection(farm, { retryFirstConnect: true });
    const opened = conn.open();
    const router = await farm.next();
    await router.next(MessageType.HELLO);
    router.send({ type: MessageType.ABORT, details: {}, reason: ErrorUri.AUTHENTICATION_FAILED });
    await expect(opened).rejects.toMatchObject({ uri: ErrorUri.AUTHENTICATION_FAILED });
    await flush();
    expect(farm.opens).toBe(1);
  });

  it('never retries with reconnect: false', async () => {
    const farm = routerFarm();
    const conn = connection(farm, { reconnect: false });
    const opened = conn.open();
    const router = await farm.next();
    await router.welcome();
    await opened;
    const closed = new Promise<ConnectionCloseInfo>((resolve) => conn.once('close', resolve));
    router.transport.close();
    expect((await closed).willRetry).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(farm.opens).toBe(1);
  });

  it('lets register wait for the first join', async () => {
    const farm = routerFarm();
    const conn = connection(farm);
    void conn.open();
    const registering = conn.register('p', () => 1);
    const router = await farm.next();
    serveEntries(router, 5);
    await router.welcome();
    await expect(registering).resolves.toMatchObject({ id: 5, active: true });
    await conn.close();
  });

  it('stops restoring what was unregistered or unsubscribed', async () => {
    const farm = routerFarm();
    const conn = connection(farm);
    void conn.open();
    const first = await farm.next();
    serveEntries(first, 1);
    await first.welcome();
    const registration = await conn.register('p', () => 1);
    const subscription = await conn.subscribe('t', () => undefined);
    const unregistering = registration.unregister();
    const unsubscribing = subscription.unsubscribe();
    first.send({
      type: MessageType.UNREGISTERED,
      request: (await first.next(MessageType.UNREGISTER)).request,
    });
    first.send({
      type: MessageType.UNSUBSCRIBED,
      request: (await first.next(MessageType.UNSUBSCRIBE)).request,
    });
    await Promise.all([unregistering, unsubscribing]);

    const secondRouter = farm.next();
    first.transport.close();
    const second = await secondRouter;
    const joined = new Promise((resolve) => conn.once('join', resolve));
    await second.welcome();
    await joined;
    expect(second.all(MessageType.REGISTER)).toHaveLength(0);
    expect(second.all(MessageType.SUBSCRIBE)).toHaveLength(0);
    await conn.close();
  });

  it('logs an entry it cannot restore and tries again on the next reconnect', async () => {
    const { logger, lines } = recordingLogger();
    const farm = routerFarm();
    const conn = connection(farm, { logger });
    void conn.open();
    const first = await farm.next();
    serveEntries(first, 1);
    await first.welcome();
    const registration = await conn.register('p', () => 1);

    let next = farm.next();
    first.transport.close();
    const second = await next;
    void second.welcome();
    const register = await second.next(MessageType.REGISTER);
    next = farm.next();
    second.sendError(MessageType.REGISTER, register.request, ErrorUri.PROCEDURE_ALREADY_EXISTS);
    await flush();
    expect(lines.filter((l) => l.msg.startsWith('could not restore'))).toHaveLength(1);
    expect(registration.active).toBe(false);

    second.transport.close();
    const third = await next;
    serveEntries(third, 9);
    const joined = new Promise((resolve) => conn.once('join', resolve));
    await third.welcome();
    await joined;
    expect(registration).toMatchObject({ id: 9, active: true });
    await conn.close();
  });

  it('logs a throwing listener and keeps going', async () => {
    const { logger, lines } = recordingLogger();
    const farm = routerFarm();
    const conn = connection(farm, { logger });
    for (const event of ['open', 'join', 'leave', 'close'] as const) {
      conn.on(event, () => {
        throw new Error(`${event} listener bug`);
      });
    }
    const opened = conn.open();
    await (await farm.next()).welcome();
    await opened;
    const next = farm.next();
    farm.routers[0].transport.close();
    const joined = new Promise((resolve) => conn.once('join', resolve));
    await (await next).welcome();
    await joined;
    const thrown = lines.filter((l) => l.msg === 'a connection listener threw').map((l) => l.event);
    expect(thrown).toEqual(['open', 'join', 'leave', 'close', 'open', 'join']);
    await conn.close();
  });

  it('keeps its hooks across sessions', async () => {
    const farm = routerFarm();
    const conn = connection(farm);
    const inbound: number[] = [];
    conn.hooks.onInbound((m) => {
      inbound.push(m.type);
    });
    const opened = conn.open();
    const first = await farm.next();
    await first.welcome();
    await opened;
    const next = farm.next();
    first.transport.close();
    const joined = new Promise((resolve) => conn.once('join', resolve));
    await (await next).welcome();
    await joined;
    expect(inbound).toEqual([MessageType.WELCOME, MessageType.WELCOME]);
    await conn.close();
  });

  it('close() says GOODBYE, stops retrying, and fails what waits', async () => {
    const farm = routerFarm();
    const conn = connection(farm);
    const opened = conn.open();
    const router = await farm.next();
    await router.welcome();
    await opened;
    await conn.close(ErrorUri.SYSTEM_SHUTDOWN, 'deploy');
    expect(router.all(MessageType.GOODBYE)).toEqual([
      expect.objectContaining({ reason: ErrorUri.SYSTEM_SHUTDOWN, details: { message: 'deploy' } }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(farm.opens).toBe(1);
    await expect(conn.subscribe('t', () => undefined)).rejects.toMatchObject({
      uri: ErrorUri.SYSTEM_SHUTDOWN,
    });
    await expect(conn.call('x')).rejects.toMatchObject({ uri: ErrorUri.SYSTEM_SHUTDOWN });
  });

  it('close() during a retry delay cancels the retry', async () => {
    const farm = routerFarm();
    const conn = connection(farm, { reconnect: { initialDelay: 30, jitter: 0 } });
    const opened = conn.open();
    const router = await farm.next();
    await router.welcome();
    await opened;
    const closed = new Promise((resolve) => conn.once('close', resolve));
    router.transport.close();
    await closed;
    await conn.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(farm.opens).toBe(1);
  });
});
