import { MessageType, RemoteError } from '../../src/protocol';
import { Session } from '../../src/client/session';
import { ReusableTransport } from '../../src/client/reusable-transport';
import { CallResult, Result, type InvocationContext } from '../../src/client/types';
import { CallTimeoutError } from '../../src/client/errors';
import type { Router, RouterStartOptions } from '../../src/router';
import { createInProcessPair } from '../../src/transport';
import type { LinkInfo } from '../../src/transport/inprocess';
import { startRouter } from './helpers/router';
import { WServiceMetrics } from '../../src';
import { parsePrometheus, sample } from '../helpers/prometheus';

/**
 * RPC between sessions on in-process links: with typed messages (CALL, INVOCATION, YIELD,
 * RESULT, ERROR, CANCEL, INTERRUPT handed over as they are, no encode / decode) and with
 * every message a wire array through the codec, the same expectations hold: results,
 * errors, caller disclosure, progress, the three cancel modes, timeouts, invoke policies,
 * authorization refusals, meta events, and bad input refused without harm to the router.
 */
const ROLES: NonNullable<RouterStartOptions['realms']>[number]['roles'] = [
  {
    name: 'user',
    permissions: [
      { uri: 'app.', match: 'prefix', allow: { call: true, register: true, subscribe: true, publish: true } },
      { uri: 'app.admin.', match: 'prefix', allow: {} },
      { uri: 'wamp.registration.', match: 'prefix', allow: { subscribe: true, call: true } },
    ],
  },
  { name: 'guest', permissions: [{ uri: 'app.open.', match: 'prefix', allow: { call: true } }] },
];
const AUTH: RouterStartOptions['auth'] = {
  ticket: {
    principals: {
      ada: { ticket: 'ada-ticket', role: 'user' },
      bob: { ticket: 'bob-ticket', role: 'user' },
      eve: { ticket: 'eve-ticket', role: 'guest' },
    },
  },
};

const never = (context: InvocationContext): Promise<never> =>
  new Promise((_resolve, reject) =>
    context.signal.addEventListener('abort', () => reject(context.signal.reason)),
  );

/** Registers `procedure` on `callee`, never answering; the reasons its calls were aborted with. */
async function hanging(callee: Session, procedure: string): Promise<unknown[]> {
  const aborted: unknown[] = [];
  await callee.register(procedure, (_a, _k, context) => {
    context.signal.addEventListener('abort', () => aborted.push(context.signal.reason));
    return never(context);
  });
  return aborted;
}

describe.each([
  ['direct calls', { typedMessages: true, directCalls: true }],
  ['typed messages', { typedMessages: true, directCalls: false }],
  ['wire arrays', { typedMessages: false, directCalls: false }],
])('in-process RPC with %s', (_name, { typedMessages, directCalls }) => {
  let router: Router;
  const sessions: Session[] = [];
  /** Frames handed to `send` on every end (a typed message goes by `sendMessage` instead). */
  let frames = 0;

  let metrics: WServiceMetrics;

  beforeEach(async () => {
    // Metrics on: the direct path counts the messages it stands for, as the others count theirs.
    metrics = new WServiceMetrics({ processMetrics: false });
    router = await startRouter({ realms: [{ name: 'app', roles: ROLES }], auth: AUTH, metrics });
  });

  /** The router's message counts of one RPC's message types, by direction. */
  async function rpcCounts(): Promise<Record<string, number>> {
    const page = parsePrometheus(await metrics.text());
    const counts: Record<string, number> = {};
    for (const direction of ['in', 'out'])
      for (const type of ['CALL', 'INVOCATION', 'YIELD', 'RESULT', 'ERROR'])
        counts[`${direction} ${type}`] =
          sample(page, 'wservice_router_messages_total', { direction, type }) ?? 0;
    return counts;
  }

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.leave().catch(() => undefined)));
    await router.stop();
  });

  async function join(
    authid: 'ada' | 'bob',
    link: LinkInfo = { typedMessages, directCalls },
  ): Promise<Session> {
    const [near, far] = createInProcessPair(link);
    for (const end of [near, far]) {
      const send = end.send.bind(end);
      end.send = (frame) => {
        frames++;
        send(frame);
      };
    }
    router.attach(far);
    const session = await Session.join(near, { realm: 'app', authid, ticket: `${authid}-ticket` });
    sessions.push(session);
    return session;
  }

  /**
   * Bob, whose HELLO announces the callee features `features` changes (true: added, false:
   * removed) by a hook that goes after the join, so calls may reach him directly.
   */
  async function joinAnnouncing(features: Record<string, boolean>): Promise<Session> {
    const [near, far] = createInProcessPair({ typedMessages, directCalls });
    router.attach(far);
    const session = new Session(near, { realm: 'app', authid: 'bob', ticket: 'bob-ticket' });
    const unhook = session.hooks.onOutbound((message) => {
      if (message.type !== MessageType.HELLO) return message;
      const roles = message.details.roles as Record<string, { features?: Record<string, boolean> }>;
      const callee = { features: { ...roles.callee?.features } };
      for (const [name, on] of Object.entries(features)) {
        if (on) callee.features[name] = true;
        else delete callee.features[name];
      }
      return { ...message, details: { ...message.details, roles: { ...roles, callee } } };
    });
    await session.join();
    sessions.push(session);
    unhook();
    return session;
  }

  it('answers a call with its result, frames only on the wire-array link', async () => {
    const callee = await join('bob');
    await callee.register('app.echo', (args, kwargs) => ({ args, kwargs }));
    const caller = await join('ada');
    frames = 0;
    const result = await caller.call('app.echo', ['hello', 2], { k: true });
    expect(result.args).toEqual([{ args: ['hello', 2], kwargs: { k: true } }]);
    // CALL, INVOCATION, YIELD, RESULT: each a frame, or none.
    expect(frames).toBe(typedMessages ? 0 : 4);
    // The direct path is taken when it may be, and only then (no message at all).
    expect(caller.directCalls).toBe(directCalls ? 1 : 0);
    expect(router.directCalls).toBe(directCalls ? 1 : 0);
  });

  it("counts in the router's metrics the messages each call stands for", async () => {
    const callee = await join('bob');
    await callee.register('app.echo', (args) => args[0]);
    await callee.register('app.fail', () => {
      throw new RemoteError('app.error.nope');
    });
    const caller = await join('ada');
    const before = await rpcCounts();
    await caller.call('app.echo', ['x']);
    await caller.call('app.echo', ['y']);
    await expect(caller.call('app.fail')).rejects.toMatchObject({ uri: 'app.error.nope' });
    const after = await rpcCounts();
    const counted = Object.fromEntries(Object.entries(after).map(([key, n]) => [key, n - before[key]]));
    expect(counted).toEqual({
      'in CALL': 3,
      'out CALL': 0,
      'in INVOCATION': 0,
      'out INVOCATION': 3,
      'in YIELD': 2,
      'out YIELD': 0,
      'in RESULT': 0,
      'out RESULT': 2,
      'in ERROR': 1,
      'out ERROR': 1,
    });
    expect(caller.directCalls).toBe(directCalls ? 3 : 0);
  });

  it('answers as values: one value, several, kwargs, nothing; custom attributes reach the callee', async () => {
    const callee = await join('bob');
    await callee.register('app.shape', (args, kwargs, context) => {
      if (args[0] === 'many') return new Result([1, 2], { k: 3 });
      if (args[0] === 'none') return undefined;
      return [context.details.x_tag, kwargs];
    });
    const caller = await join('ada');
    expect(await caller.callForValue('app.shape', ['one'], { a: 1 }, { custom: { x_tag: 't' } })).toEqual([
      't',
      { a: 1 },
    ]);
    const many = await caller.callForValue('app.shape', ['many']);
    expect(many).toBeInstanceOf(CallResult);
    expect(many).toMatchObject({ args: [1, 2], kwargs: { k: 3 }, details: {} });
    expect(await caller.callForValue('app.shape', ['none'])).toBeUndefined();
    const whole = await caller.call('app.shape', ['none']);
    expect(whole).toMatchObject({ args: [], kwargs: {}, details: {} });
    expect(caller.directCalls).toBe(directCalls ? 4 : 0);
  });

  it('ends a callee whose answer a YIELD cannot carry, as a protocol violation', async () => {
    const callee = await join('bob');
    await callee.register('app.bad', () => new Result('not a list' as never));
    const caller = await join('ada');
    await expect(caller.call('app.bad')).rejects.toMatchObject({
      uri: 'wamp.error.canceled',
      args: ['the callee left before answering'],
    });
    expect(await callee.closed).toMatchObject({ reason: 'wamp.error.protocol_violation', by: 'router' });
    expect(router.stats.callsInFlight).toBe(0);
  });

  it('answers from async handlers, results and errors, and a pattern registration learns the procedure', async () => {
    const callee = await join('bob');
    await callee.register(
      'app.async.',
      async (args, _k, context) => {
        await new Promise((resolve) => setImmediate(resolve));
        if (args[0] === 'fail') throw new Error('boom');
        return context.procedure;
      },
      { match: 'prefix' },
    );
    const caller = await join('ada');
    const [ok, failed] = await Promise.allSettled([
      caller.callForValue('app.async.one'),
      caller.callForValue('app.async.two', ['fail']),
    ]);
    expect(ok).toEqual({ status: 'fulfilled', value: 'app.async.one' });
    expect(failed).toMatchObject({
      status: 'rejected',
      reason: {
        uri: 'wservice.error.application',
        args: ['boom'],
        kwargs: { name: 'Error', message: 'boom' },
      },
    });
    expect(router.stats.callsInFlight).toBe(0);
    expect(caller.directCalls).toBe(directCalls ? 2 : 0);
  });

  it('routes each call by the registrations of its moment: exact over prefix, then back when it goes', async () => {
    const callee = await join('bob');
    await callee.register('app.best.', () => 'prefix', { match: 'prefix' });
    const caller = await join('ada');
    expect(await caller.callForValue('app.best.one')).toBe('prefix');
    const exact = await callee.register('app.best.one', () => 'exact');
    expect(await caller.callForValue('app.best.one')).toBe('exact');
    await exact.unregister();
    expect(await caller.callForValue('app.best.one')).toBe('prefix');
    // Another callee of the same registration, then the first one gone: the call follows.
    const other = await join('bob');
    await other.register('app.moved', () => 'other');
    expect(await caller.callForValue('app.moved')).toBe('other');
    await other.leave();
    await callee.register('app.moved', () => 'first');
    expect(await caller.callForValue('app.moved')).toBe('first');
    expect(caller.directCalls).toBe(directCalls ? 5 : 0);
  });

  it('fails a call whose callee leaves before answering', async () => {
    const callee = await join('bob');
    const aborted = await hanging(callee, 'app.hang');
    const caller = await join('ada');
    const call = caller.call('app.hang');
    await new Promise((resolve) => setImmediate(resolve));
    expect(router.stats.callsInFlight).toBe(1);
    await callee.leave();
    await expect(call).rejects.toMatchObject({
      uri: 'wamp.error.canceled',
      args: ['the callee left before answering'],
    });
    expect(aborted).toHaveLength(1);
    expect(router.stats.callsInFlight).toBe(0);
  });

  it('interrupts the callee when the caller leaves mid-call', async () => {
    const callee = await join('bob');
    const aborted = await hanging(callee, 'app.hang');
    const caller = await join('ada');
    const call = caller.call('app.hang');
    await new Promise((resolve) => setImmediate(resolve));
    await caller.leave();
    await expect(call).rejects.toMatchObject({ uri: 'wamp.close.normal' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(aborted).toHaveLength(1);
    expect(aborted[0]).toMatchObject({ uri: 'wamp.error.canceled' });
    expect(router.stats.callsInFlight).toBe(0);
  });

  it('answers a recursion of calls deeper than one stack holds', async () => {
    const callee = await join('bob');
    // Each level calls the next from inside its handler, before returning.
    await callee.register('app.depth', (args) => {
      const n = args[0] as number;
      if (n === 0) return 0;
      return callee.callForValue('app.depth', [n - 1]).then((below) => (below as number) + 1);
    });
    const caller = await join('ada');
    expect(await caller.callForValue('app.depth', [3000])).toBe(3000);
    expect(router.stats.callsInFlight).toBe(0);
    expect(router.directCalls > 0).toBe(directCalls);
  });

  it('keeps a roundrobin order across callees reached directly and by messages', async () => {
    const near = await join('bob');
    const far = await join('bob', { typedMessages: false });
    await near.register('app.rr', () => 'near', { invoke: 'roundrobin' });
    await far.register('app.rr', () => 'far', { invoke: 'roundrobin' });
    const caller = await join('ada');
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push(await caller.callForValue('app.rr'));
    expect(seen).toEqual(['near', 'far', 'near', 'far']);
    expect(caller.directCalls).toBe(directCalls ? 2 : 0);
  });

  it('sends messages for a caller or callee with message hooks, and the hooks see them', async () => {
    const callee = await join('bob');
    await callee.register('app.echo', (args) => args[0]);
    const caller = await join('ada');
    const seen: string[] = [];
    caller.hooks.onOutbound((message) => {
      seen.push(String(message.type));
      return message;
    });
    expect(await caller.callForValue('app.echo', ['hooked'])).toBe('hooked');
    expect(seen).toEqual([String(MessageType.CALL)]);
    expect(caller.directCalls).toBe(0);
  });

  it("lets a hook change a CALL's Options in place when the call had none", async () => {
    const callee = await join('bob');
    await callee.register('app.tagged', (_a, _k, context) => context.details.x_tag);
    const caller = await join('ada');
    caller.hooks.onOutbound((message) => {
      if (message.type === MessageType.CALL) message.options.x_tag = 'hooked';
      return message;
    });
    expect(await caller.callForValue('app.tagged')).toBe('hooked');
    expect(await caller.callForValue('app.tagged')).toBe('hooked');
  });

  it('judges a session again when it joins again on the same link, in another role', async () => {
    const callee = await join('bob');
    await callee.register('app.private', () => 'secret');
    const [near, far] = createInProcessPair({ typedMessages, directCalls });
    router.attach(far);
    const link = new ReusableTransport(near);
    link.keepOpen();
    const ada = await Session.join(link, { realm: 'app', authid: 'ada', ticket: 'ada-ticket' });
    expect(await ada.callForValue('app.private')).toBe('secret');
    expect(await ada.callForValue('app.private')).toBe('secret');
    await ada.leave();
    const eve = await Session.join(link, { realm: 'app', authid: 'eve', ticket: 'eve-ticket' });
    sessions.push(eve);
    await expect(eve.callForValue('app.private')).rejects.toMatchObject({ uri: 'wamp.error.not_authorized' });
    expect(ada.directCalls).toBe(directCalls ? 2 : 0);
  });

  it('carries a callee error with its URI and payload, and discloses the caller when asked', async () => {
    const callee = await join('bob');
    await callee.register('app.fail', () => {
      throw new RemoteError('app.error.nope', ['no'], { why: 'test' });
    });
    await callee.register(
      'app.who',
      (_a, _k, context) => [context.caller, context.callerAuthid, context.callerAuthrole],
      {
        discloseCaller: true,
      },
    );
    await callee.register('app.anonymous', (_a, _k, context) => context.caller ?? 'hidden');
    const caller = await join('ada');
    await expect(caller.call('app.fail')).rejects.toMatchObject({
      uri: 'app.error.nope',
      args: ['no'],
      kwargs: { why: 'test' },
    });
    expect((await caller.call('app.who')).args[0]).toEqual([caller.id, 'ada', 'user']);
    expect((await caller.call('app.anonymous')).args[0]).toBe('hidden');
    expect((await caller.call('app.anonymous', [], {}, { discloseMe: true })).args[0]).toBe(caller.id);
  });

  it('delivers progressive results to a caller that asked, before the result', async () => {
    const callee = await join('bob');
    await callee.register('app.steps', (_a, _k, context) => {
      context.progress?.(['one']);
      context.progress?.(['two']);
      return 'done';
    });
    const caller = await join('ada');
    const seen: unknown[] = [];
    let returned = false;
    const call = caller.call(
      'app.steps',
      [],
      {},
      { onProgress: (p) => seen.push([p.args[0], p.details, returned]) },
    );
    returned = true;
    const result = await call;
    // Each progress arrives after call() returned, as a RESULT with progress, before the result.
    expect(seen).toEqual([
      ['one', { progress: true }, true],
      ['two', { progress: true }, true],
    ]);
    expect(result.args).toEqual(['done']);
    // Without asking, no progress reaches the caller (and the callee is given no progress function).
    expect((await caller.call('app.steps')).args).toEqual(['done']);
    expect(caller.directCalls).toBe(directCalls ? 2 : 0);
  });

  it('delivers the progress of an async handler in order, and none after the answer or an interrupt', async () => {
    const callee = await join('bob');
    let later: InvocationContext['progress'];
    await callee.register('app.async.steps', async (args, _k, context) => {
      for (let i = 0; i < 3; i++) {
        await new Promise((resolve) => setImmediate(resolve));
        context.progress?.([i], { at: i });
      }
      later = context.progress;
      if (args[0] === 'hang') await never(context);
      return 'done';
    });
    const caller = await join('ada');
    const seen: unknown[] = [];
    const onProgress = (p: CallResult) => seen.push([p.args[0], p.kwargs.at]);
    expect(await caller.callForValue('app.async.steps', [], {}, { onProgress })).toBe('done');
    expect(seen).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
    later?.(['after the answer']);
    const abort = new AbortController();
    const hung = caller.call('app.async.steps', ['hang'], {}, { onProgress, signal: abort.signal });
    while (seen.length < 6) await new Promise((resolve) => setImmediate(resolve));
    abort.abort();
    await expect(hung).rejects.toMatchObject({ uri: 'wamp.error.canceled' });
    later?.(['after the interrupt']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toHaveLength(6);
    expect(router.stats.callsInFlight).toBe(0);
    expect(caller.directCalls).toBe(directCalls ? 2 : 0);
  });

  it.each(['kill', 'killnowait', 'skip'] as const)('cancels a call in mode %s', async (mode) => {
    const callee = await join('bob');
    const interrupted: unknown[] = [];
    await callee.register('app.slow', (_a, _k, context) => {
      context.signal.addEventListener('abort', () => interrupted.push(mode));
      return never(context);
    });
    const caller = await join('ada');
    const abort = new AbortController();
    const call = caller.call('app.slow', [], {}, { signal: abort.signal, cancelMode: mode });
    await new Promise((resolve) => setImmediate(resolve));
    abort.abort();
    await expect(call).rejects.toMatchObject({ uri: 'wamp.error.canceled' });
    await new Promise((resolve) => setImmediate(resolve));
    // skip: the callee is not told.
    expect(interrupted).toEqual(mode === 'skip' ? [] : [mode]);
    expect(router.stats.callsInFlight).toBe(0);
    expect(caller.directCalls).toBe(directCalls ? 1 : 0);
  });

  it('with kill, waits for the answer of a callee that goes on after the interrupt', async () => {
    const callee = await join('bob');
    const interrupted: unknown[] = [];
    let finish: () => void = () => undefined;
    await callee.register(
      'app.stubborn',
      (_a, _k, context) =>
        new Promise((resolve) => {
          context.signal.addEventListener('abort', () => interrupted.push(context.signal.reason));
          finish = () => resolve('finished anyway');
        }),
    );
    const caller = await join('ada');
    const abort = new AbortController();
    let outcome: unknown = 'pending';
    const call = caller.call('app.stubborn', [], {}, { signal: abort.signal, cancelMode: 'kill' }).then(
      () => (outcome = 'resolved'),
      (error: unknown) => (outcome = error),
    );
    await new Promise((resolve) => setImmediate(resolve));
    abort.abort();
    abort.abort();
    await new Promise((resolve) => setImmediate(resolve));
    expect(interrupted).toEqual([expect.objectContaining({ uri: 'wamp.error.canceled', mode: 'kill' })]);
    expect(outcome).toBe('pending');
    expect(router.stats.callsInFlight).toBe(1);
    finish();
    await call;
    // An interrupted callee's answer is wamp.error.canceled, whatever its handler returned.
    expect(outcome).toMatchObject({ uri: 'wamp.error.canceled' });
    expect(router.stats.callsInFlight).toBe(0);
    expect(caller.directCalls).toBe(directCalls ? 1 : 0);
  });

  it.each(['kill', 'killnowait'] as const)(
    'cancels in mode %s as skip when the callee did not announce call_canceling',
    async (mode) => {
      const callee = await joinAnnouncing({ call_canceling: false });
      const aborted = await hanging(callee, 'app.untold');
      const caller = await join('ada');
      const abort = new AbortController();
      const call = caller.call('app.untold', [], {}, { signal: abort.signal, cancelMode: mode });
      await new Promise((resolve) => setImmediate(resolve));
      abort.abort();
      // kill waits for the dealer's answer (its ERROR), killnowait fails at once.
      await expect(call).rejects.toMatchObject(
        mode === 'kill'
          ? { uri: 'wamp.error.canceled', args: ['the call was canceled'] }
          : { uri: 'wamp.error.canceled', mode },
      );
      await new Promise((resolve) => setImmediate(resolve));
      expect(aborted).toEqual([]);
      expect(router.stats.callsInFlight).toBe(0);
      expect(caller.directCalls).toBe(directCalls ? 1 : 0);
    },
  );

  it('times a call out in the dealer and interrupts the callee', async () => {
    const callee = await join('bob');
    const aborted = await hanging(callee, 'app.stuck');
    const caller = await join('ada');
    const call = caller.call('app.stuck', [], {}, { timeout: 30 });
    // The caller's own timer fails the call (it starts before the dealer's).
    await expect(call).rejects.toBeInstanceOf(CallTimeoutError);
    await expect(call).rejects.toMatchObject({ uri: 'wamp.error.timeout' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    // The dealer's INTERRUPT (killnowait, reason timeout), or its direct equivalent.
    expect(aborted).toEqual([expect.objectContaining({ uri: 'wamp.error.canceled', mode: 'killnowait' })]);
    expect(router.stats.callsInFlight).toBe(0);
    expect(caller.directCalls).toBe(directCalls ? 1 : 0);
    // A call with a timeout that is answered in time gets its result.
    await callee.register('app.echo', async (args) => args[0]);
    expect(await caller.callForValue('app.echo', ['in time'], {}, { timeout: 5000 })).toBe('in time');
    expect(caller.directCalls).toBe(directCalls ? 2 : 0);
  });

  it('times a call out whose callee ignores the interrupt, and drops its late answer', async () => {
    const callee = await join('bob');
    const releases: (() => void)[] = [];
    await callee.register('app.deaf', (args) =>
      args[0] === 'now' ? 'now' : new Promise((resolve) => releases.push(() => resolve('late'))),
    );
    const caller = await join('ada');
    await expect(caller.call('app.deaf', [], {}, { timeout: 20 })).rejects.toBeInstanceOf(CallTimeoutError);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // The dealer ended the call at its own timeout, though the callee still runs.
    expect(router.stats.callsInFlight).toBe(0);
    releases[0]!();
    await new Promise((resolve) => setImmediate(resolve));
    // The late answer reached nobody, and both sessions go on.
    expect(await caller.callForValue('app.deaf', ['now'], {}, { timeout: 5000 })).toBe('now');
    expect(caller.directCalls).toBe(directCalls ? 2 : 0);
  });

  it('leaves the timeout to a callee that registered with forward_timeout and announced call_timeout', async () => {
    // The client announces no callee call_timeout: this one does.
    const callee = await joinAnnouncing({ call_timeout: true });
    const seen: unknown[] = [];
    let timedOut: () => void = () => undefined;
    await callee.register(
      'app.timed',
      (_a, _k, context) => {
        seen.push(context.timeout);
        context.signal.addEventListener('abort', () => seen.push('aborted'));
        return new Promise((_resolve, reject) => {
          timedOut = () => reject(new RemoteError('wamp.error.timeout'));
        });
      },
      { custom: { forward_timeout: true } },
    );
    const caller = await join('ada');
    await expect(caller.call('app.timed', [], {}, { timeout: 20 })).rejects.toBeInstanceOf(CallTimeoutError);
    await new Promise((resolve) => setTimeout(resolve, 30));
    // The dealer ran no timer: the call is in flight until the callee answers, uninterrupted.
    expect(router.stats.callsInFlight).toBe(1);
    timedOut();
    await new Promise((resolve) => setImmediate(resolve));
    expect(router.stats.callsInFlight).toBe(0);
    expect(seen).toEqual([20]);
    expect(caller.directCalls).toBe(directCalls ? 1 : 0);
  });

  it('follows the invoke policy of a shared registration', async () => {
    const first = await join('bob');
    const second = await join('bob');
    await first.register('app.rr', () => 'first', { invoke: 'roundrobin' });
    await second.register('app.rr', () => 'second', { invoke: 'roundrobin' });
    await first.register('app.last', () => 'first', { invoke: 'last' });
    await second.register('app.last', () => 'second', { invoke: 'last' });
    const caller = await join('ada');
    const rr = [];
    for (let i = 0; i < 4; i++) rr.push((await caller.call('app.rr')).args[0]);
    expect(rr).toEqual(['first', 'second', 'first', 'second']);
    expect((await caller.call('app.last')).args[0]).toBe('second');
    expect((await caller.call('app.last')).args[0]).toBe('second');
  });

  it('gives a lone callee every call, and rotates again once others share its registration', async () => {
    const first = await join('bob');
    await first.register('app.rr', () => 'first', { invoke: 'roundrobin' });
    const caller = await join('ada');
    const seen: unknown[] = [];
    const calls = async (n: number) => {
      for (let i = 0; i < n; i++) seen.push(await caller.callForValue('app.rr'));
    };
    await calls(2);
    const second = await join('bob');
    await second.register('app.rr', () => 'second', { invoke: 'roundrobin' });
    await calls(3);
    await first.leave();
    await calls(2);
    // As the message path picks: the position after the lone callee's calls is the newcomer.
    expect(seen).toEqual(['first', 'first', 'second', 'first', 'second', 'second', 'second']);
    expect(caller.directCalls).toBe(directCalls ? 7 : 0);
  });

  it.each(['first', 'last', 'random'] as const)(
    'follows invoke %s with one callee, then with three',
    async (invoke) => {
      const callees = [await join('bob'), await join('bob'), await join('bob')];
      await callees[0].register('app.policy', () => 0, { invoke });
      const caller = await join('ada');
      const seen = new Set<unknown>();
      for (let i = 0; i < 3; i++) seen.add(await caller.callForValue('app.policy'));
      expect([...seen]).toEqual([0]);
      await callees[1].register('app.policy', () => 1, { invoke });
      await callees[2].register('app.policy', () => 2, { invoke });
      seen.clear();
      for (let i = 0; i < 60; i++) seen.add(await caller.callForValue('app.policy'));
      const expected = { first: [0], last: [2], random: [0, 1, 2] }[invoke];
      expect([...seen].sort()).toEqual(expected);
      expect(caller.directCalls).toBe(directCalls ? 63 : 0);
    },
  );

  it('refuses what the role may not call, and calls nobody registered', async () => {
    const caller = await join('ada');
    await expect(caller.call('app.admin.reset')).rejects.toMatchObject({ uri: 'wamp.error.not_authorized' });
    await expect(caller.call('app.nobody')).rejects.toMatchObject({ uri: 'wamp.error.no_such_procedure' });
  });

  it('publishes the registration meta events and answers the meta procedures', async () => {
    const watcher = await join('ada');
    const events: unknown[] = [];
    await watcher.subscribe('wamp.registration.on_register', (args) => {
      events.push(args[0]);
    });
    const callee = await join('bob');
    const registration = await callee.register('app.meta', () => 'ok');
    expect((await watcher.call('wamp.registration.count_callees', [registration.id])).args).toEqual([1]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual([callee.id]);
  });

  it('refuses bad input from a caller as a protocol violation; the router serves the others', async () => {
    const callee = await join('bob');
    await callee.register('app.echo', (args) => args[0]);
    const bad = await join('ada');
    await expect(bad.call('app.echo', 'not a list' as never)).rejects.toMatchObject({
      uri: 'wamp.error.protocol_violation',
    });
    const good = await join('ada');
    expect((await good.call('app.echo', ['still here'])).args).toEqual(['still here']);
  });
});

/**
 * Who decides a call: the permissive realm's authorizer (every call allowed, still direct) and
 * a dynamic authorizer (asked for every call, whose answer may come later: the calls go as
 * messages); the same verdicts over every path.
 */
describe.each([
  ['direct calls', { typedMessages: true, directCalls: true }],
  ['typed messages', { typedMessages: true, directCalls: false }],
  ['wire arrays', { typedMessages: false, directCalls: false }],
])('in-process RPC authorized with %s', (_name, link) => {
  let router: Router | undefined;
  afterEach(async () => {
    await router?.stop();
    router = undefined;
  });

  /** A callee of app.echo and app.denied, and a caller (a trusted peer, as the runner's services, or not). */
  async function pair(options: RouterStartOptions, trusted = false): Promise<[Session, Session]> {
    router = await startRouter(options);
    const join = async (asTrusted: boolean) => {
      const [near, far] = createInProcessPair(link);
      router!.attach(far, { trusted: asTrusted });
      return Session.join(near, { realm: 'app' });
    };
    const callee = await join(true);
    await callee.register('app.echo', (args) => args[0]);
    await callee.register('app.denied', () => 'ran');
    return [callee, await join(trusted)];
  }

  it('in a permissive realm, allows every call', async () => {
    const [, caller] = await pair({ permissive: true, realms: [{ name: 'app' }] });
    expect(await caller.callForValue('app.echo', ['open'])).toBe('open');
    expect(await caller.callForValue('app.denied')).toBe('ran');
    expect(caller.directCalls).toBe(link.directCalls ? 2 : 0);
  });

  it('asks a dynamic authorizer for every call and keeps its verdict', async () => {
    const asked: string[] = [];
    const [, caller] = await pair({
      realms: [
        {
          name: 'app',
          authorizer: (_session, action, uri) => {
            if (action === 'call') asked.push(uri);
            return action !== 'call' || uri !== 'app.denied';
          },
        },
      ],
    });
    expect(await caller.callForValue('app.echo', ['asked'])).toBe('asked');
    await expect(caller.callForValue('app.denied')).rejects.toMatchObject({
      uri: 'wamp.error.not_authorized',
    });
    expect(asked).toEqual(['app.echo', 'app.denied']);
    expect(caller.directCalls).toBe(0);
  });

  it('stops reaching a callee whose procedure a reservation takes away, at the next call', async () => {
    // The default rules: any role may register orders.place, until the orders service reserves it.
    const [, caller] = await pair({ realms: [{ name: 'app' }] });
    const [near, far] = createInProcessPair(link);
    router!.attach(far);
    const callee = await Session.join(near, { realm: 'app' });
    await callee.register('orders.place', () => 'placed');
    expect(await caller.callForValue('orders.place')).toBe('placed');
    expect(await caller.callForValue('orders.place')).toBe('placed');
    router!.reserve({ uri: 'orders.', match: 'prefix', owner: 'orders' });
    await expect(caller.callForValue('orders.place')).rejects.toMatchObject({
      uri: 'wamp.error.no_such_procedure',
    });
    expect(caller.directCalls).toBe(link.directCalls ? 2 : 0);
    await callee.leave();
  });

  it("does not ask a dynamic authorizer about a trusted peer's calls", async () => {
    const asked: string[] = [];
    const [, caller] = await pair(
      {
        realms: [
          {
            name: 'app',
            authorizer: (_session, action, uri) => {
              asked.push(`${action} ${uri}`);
              return false;
            },
          },
        ],
      },
      true,
    );
    expect(await caller.callForValue('app.denied')).toBe('ran');
    expect(asked).toEqual([]);
    expect(caller.directCalls).toBe(link.directCalls ? 1 : 0);
  });
});
