import { RemoteError } from '../../src/protocol';
import { Session } from '../../src/client/session';
import type { InvocationContext } from '../../src/client/types';
import type { Router, RouterStartOptions } from '../../src/router';
import { createInProcessPair } from '../../src/transport';
import { startRouter } from './helpers/router';

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
];
const AUTH: RouterStartOptions['auth'] = {
  ticket: {
    principals: { ada: { ticket: 'ada-ticket', role: 'user' }, bob: { ticket: 'bob-ticket', role: 'user' } },
  },
};

const never = (context: InvocationContext): Promise<never> =>
  new Promise((_resolve, reject) =>
    context.signal.addEventListener('abort', () => reject(context.signal.reason)),
  );

describe.each([
  ['typed messages', true],
  ['wire arrays', false],
])('in-process RPC with %s', (_name, typedMessages) => {
  let router: Router;
  const sessions: Session[] = [];
  /** Frames handed to `send` on every end (a typed message goes by `sendMessage` instead). */
  let frames = 0;

  beforeEach(async () => {
    router = await startRouter({ realms: [{ name: 'app', roles: ROLES }], auth: AUTH });
  });

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.leave().catch(() => undefined)));
    await router.stop();
  });

  async function join(authid: 'ada' | 'bob'): Promise<Session> {
    const [near, far] = createInProcessPair({ typedMessages });
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

  it('answers a call with its result, frames only on the wire-array link', async () => {
    const callee = await join('bob');
    await callee.register('app.echo', (args, kwargs) => ({ args, kwargs }));
    const caller = await join('ada');
    frames = 0;
    const result = await caller.call('app.echo', ['hello', 2], { k: true });
    expect(result.args).toEqual([{ args: ['hello', 2], kwargs: { k: true } }]);
    // CALL, INVOCATION, YIELD, RESULT: each a frame, or none.
    expect(frames).toBe(typedMessages ? 0 : 4);
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
    const result = await caller.call('app.steps', [], {}, { onProgress: (p) => seen.push(p.args[0]) });
    expect(seen).toEqual(['one', 'two']);
    expect(result.args).toEqual(['done']);
    // Without asking, no progress reaches the caller (and the callee is given no progress function).
    expect((await caller.call('app.steps')).args).toEqual(['done']);
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
  });

  it('times a call out in the dealer and interrupts the callee', async () => {
    const callee = await join('bob');
    let interrupted = false;
    await callee.register('app.stuck', (_a, _k, context) => {
      context.signal.addEventListener('abort', () => (interrupted = true));
      return never(context);
    });
    const caller = await join('ada');
    await expect(caller.call('app.stuck', [], {}, { timeout: 30 })).rejects.toMatchObject({
      uri: 'wamp.error.timeout',
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(interrupted).toBe(true);
    expect(router.stats.callsInFlight).toBe(0);
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
