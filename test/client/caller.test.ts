import { CallCanceledError, CallTimeoutError } from '../../src/client/errors';
import { CallResult } from '../../src/client/types';
import { ErrorUri, RemoteError } from '../../src/protocol/errors';
import { MessageType, type CancelMode, type Roles } from '../../src/protocol/messages';
import {
  ALL_FEATURES,
  BASIC,
  ScriptedRouter,
  flush,
  joinSession,
  recordingLogger,
  roles,
} from './scripted-router';

describe('Caller: results and errors', () => {
  it('sends CALL and resolves with the RESULT', async () => {
    const { session, router } = await joinSession(BASIC);
    const call = session.call('calc.add', [2, 3], { round: true });
    const sent = await router.next(MessageType.CALL);
    expect(sent).toEqual({
      type: MessageType.CALL,
      request: 1,
      options: {},
      procedure: 'calc.add',
      args: [2, 3],
      kwargs: { round: true },
    });
    router.send({
      type: MessageType.RESULT,
      request: sent.request,
      details: {},
      args: [5],
      kwargs: { exact: true },
    });
    const result = await call;
    expect(result).toBeInstanceOf(CallResult);
    expect(result).toMatchObject({ args: [5], kwargs: { exact: true }, details: {} });
    await session.leave();
  });

  it('resolves callForValue with the value of a RESULT; several values or kwargs give the CallResult', async () => {
    const { session, router } = await joinSession(BASIC);
    const single = session.callForValue('calc.add', [2, 3]);
    router.send({
      type: MessageType.RESULT,
      request: (await router.next(MessageType.CALL)).request,
      details: {},
      args: [5],
    });
    expect(await single).toBe(5);
    const none = session.callForValue('calc.reset');
    router.send({
      type: MessageType.RESULT,
      request: (await router.next(MessageType.CALL)).request,
      details: {},
    });
    expect(await none).toBeUndefined();
    const several = session.callForValue('calc.divmod', [7, 2]);
    const request = (await router.next(MessageType.CALL)).request;
    router.send({
      type: MessageType.RESULT,
      request,
      details: { x: 1 },
      args: [3, 1],
      kwargs: { exact: true },
    });
    const result = await several;
    expect(result).toBeInstanceOf(CallResult);
    expect(result).toMatchObject({ args: [3, 1], kwargs: { exact: true }, details: { x: 1 } });
    await session.leave();
  });

  it('sends no Arguments when there are none', async () => {
    const { session, router } = await joinSession(BASIC);
    void session.call('no.args').catch(() => undefined);
    await router.next(MessageType.CALL);
    expect(router.wire.at(-1)).toEqual([MessageType.CALL, 1, {}, 'no.args']);
    await session.leave();
  });

  it('rejects with RemoteError carrying the ERROR uri, args, kwargs and details', async () => {
    const { session, router } = await joinSession(BASIC);
    const call = session.call('shop.buy', ['sku-1']);
    const sent = await router.next(MessageType.CALL);
    router.send({
      type: MessageType.ERROR,
      requestType: MessageType.CALL,
      request: sent.request,
      details: { hint: 'later' },
      error: 'shop.error.out_of_stock',
      args: ['sku-1'],
      kwargs: { available: 0 },
    });
    const error = (await call.catch((e: unknown) => e)) as RemoteError;
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({
      uri: 'shop.error.out_of_stock',
      args: ['sku-1'],
      kwargs: { available: 0 },
      details: { hint: 'later' },
    });
    await session.leave();
  });

  it('rejects a malformed timeout before sending anything', async () => {
    const { session, router } = await joinSession(BASIC);
    await expect(session.call('a', [], {}, { timeout: -1 })).rejects.toBeInstanceOf(RangeError);
    await expect(session.call('a', [], {}, { timeout: Number.NaN })).rejects.toBeInstanceOf(RangeError);
    expect(router.all(MessageType.CALL)).toHaveLength(0);
    await session.leave();
  });

  it('rejects a payload the serializer cannot carry, and the session goes on', async () => {
    const { session, router } = await joinSession(BASIC);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(session.call('a', [cyclic])).rejects.toThrow(/serialize/);
    expect(session.isOpen).toBe(true);
    const call = session.call('b');
    const sent = await router.next(MessageType.CALL);
    expect(sent.procedure).toBe('b');
    router.send({ type: MessageType.RESULT, request: sent.request, details: {} });
    await call;
    await session.leave();
  });
});

describe('Caller: options and features', () => {
  it('sends disclose_me only to a dealer with caller_identification', async () => {
    for (const [dealerRoles, expected] of [
      [roles(['caller_identification']), { disclose_me: true }],
      [BASIC, {}],
    ] as [Roles, object][]) {
      const { session, router } = await joinSession(dealerRoles);
      void session.call('a', [], {}, { discloseMe: true }).catch(() => undefined);
      expect((await router.next(MessageType.CALL)).options).toEqual(expected);
      await session.leave();
    }
  });
});

describe('custom options', () => {
  it('go out with CALL, REGISTER, SUBSCRIBE and PUBLISH; the named options win', async () => {
    const { session, router } = await joinSession(ALL_FEATURES);
    const custom = { _trace_id: 'abc', timeout: 1, match: 'exact', acknowledge: false };
    void session.call('a', [], {}, { timeout: 50, custom }).catch(() => undefined);
    void session.register('p', () => 1, { match: 'prefix', custom }).catch(() => undefined);
    void session.subscribe('t', () => undefined, { custom: { _trace_id: 'abc' } }).catch(() => undefined);
    void session.publish('t', [], {}, { acknowledge: true, custom }).catch(() => undefined);
    expect((await router.next(MessageType.CALL)).options).toEqual({ ...custom, timeout: 50 });
    expect((await router.next(MessageType.REGISTER)).options).toEqual({ ...custom, match: 'prefix' });
    expect((await router.next(MessageType.SUBSCRIBE)).options).toEqual({ _trace_id: 'abc' });
    expect((await router.next(MessageType.PUBLISH)).options).toEqual({ ...custom, acknowledge: true });
    await session.leave();
  });
});

describe('Caller: timeout', () => {
  it('fails locally and sends no option to a dealer without call_timeout; the late result is ignored', async () => {
    const { session, router } = await joinSession(BASIC);
    const call = session.call('slow', [], {}, { timeout: 15 });
    const sent = await router.next(MessageType.CALL);
    expect(sent.options).toEqual({});
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallTimeoutError);
    expect(error).toMatchObject({ uri: ErrorUri.TIMEOUT, procedure: 'slow', timeout: 15 });
    expect(router.all(MessageType.CANCEL)).toHaveLength(0);

    router.send({ type: MessageType.RESULT, request: sent.request, details: {}, args: ['late'] });
    await flush();
    expect(session.isOpen).toBe(true);
    expect(router.all(MessageType.ABORT)).toHaveLength(0);
    await session.leave();
  });

  it('sends the timeout to a dealer that announced call_timeout, and still enforces it', async () => {
    const { session, router } = await joinSession(roles(['call_timeout', 'call_canceling']));
    const call = session.call('slow', [], {}, { timeout: 15 });
    expect((await router.next(MessageType.CALL)).options).toEqual({ timeout: 15 });
    await expect(call).rejects.toBeInstanceOf(CallTimeoutError);
    // The dealer enforces the timeout itself: no CANCEL from us.
    await flush();
    expect(router.all(MessageType.CANCEL)).toHaveLength(0);
    await session.leave();
  });

  it('asks a dealer with call_canceling but no call_timeout to stop the callee', async () => {
    const { session, router } = await joinSession(roles(['call_canceling']));
    const call = session.call('slow', [], {}, { timeout: 15 });
    const sent = await router.next(MessageType.CALL);
    await expect(call).rejects.toBeInstanceOf(CallTimeoutError);
    await expectCancelThenDealerError(router, sent.request, 'killnowait');
    await session.leave();
  });

  it('clears the timer when the result comes first', async () => {
    const { session, router } = await joinSession(BASIC);
    const call = session.call('fast', [], {}, { timeout: 30 });
    const sent = await router.next(MessageType.CALL);
    router.send({ type: MessageType.RESULT, request: sent.request, details: {}, args: [1] });
    await expect(call).resolves.toMatchObject({ args: [1] });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(session.isOpen).toBe(true);
    await session.leave();
  });
});

describe('Caller: progressive results', () => {
  it('asks for progress when the dealer supports it and delivers each one', async () => {
    const { session, router } = await joinSession(roles(['progressive_call_results']));
    const progress: unknown[] = [];
    const call = session.call('count', [3], {}, { onProgress: (p) => progress.push([p.args, p.kwargs]) });
    const sent = await router.next(MessageType.CALL);
    expect(sent.options).toEqual({ receive_progress: true });
    router.send({ type: MessageType.RESULT, request: sent.request, details: { progress: true }, args: [1] });
    router.send({
      type: MessageType.RESULT,
      request: sent.request,
      details: { progress: true },
      kwargs: { n: 2 },
    });
    router.send({ type: MessageType.RESULT, request: sent.request, details: {}, args: ['done'] });
    await expect(call).resolves.toMatchObject({ args: ['done'] });
    expect(progress).toEqual([
      [[1], {}],
      [[], { n: 2 }],
    ]);
    await session.leave();
  });

  it('does not ask a dealer without progressive_call_results', async () => {
    const { session, router } = await joinSession(BASIC);
    const call = session.call('count', [], {}, { onProgress: () => undefined });
    const sent = await router.next(MessageType.CALL);
    expect(sent.options).toEqual({});
    router.send({ type: MessageType.RESULT, request: sent.request, details: {} });
    await call;
    await session.leave();
  });

  it('logs an onProgress that throws and still completes the call', async () => {
    const { logger, lines } = recordingLogger();
    const { session, router } = await joinSession(ALL_FEATURES, { logger });
    const call = session.call(
      'count',
      [],
      {},
      {
        onProgress: () => {
          throw new Error('ui bug');
        },
      },
    );
    const sent = await router.next(MessageType.CALL);
    router.send({ type: MessageType.RESULT, request: sent.request, details: { progress: true } });
    router.send({ type: MessageType.RESULT, request: sent.request, details: {}, args: [1] });
    await expect(call).resolves.toMatchObject({ args: [1] });
    expect(lines.filter((l) => l.msg.includes('onProgress threw'))).toHaveLength(1);
    await session.leave();
  });

  it('drops progress that nobody asked for', async () => {
    const { session, router } = await joinSession(ALL_FEATURES);
    const call = session.call('x');
    const sent = await router.next(MessageType.CALL);
    router.send({ type: MessageType.RESULT, request: sent.request, details: { progress: true }, args: [0] });
    router.send({ type: MessageType.RESULT, request: sent.request, details: {}, args: [1] });
    await expect(call).resolves.toMatchObject({ args: [1] });
    await session.leave();
  });
});

describe('Caller: cancel through an AbortSignal', () => {
  const modes: CancelMode[] = ['skip', 'kill', 'killnowait'];

  it.each(modes)(
    '%s without call_canceling: fails at once, sends nothing, ignores the late result',
    async (mode) => {
      const { session, router } = await joinSession(BASIC);
      const controller = new AbortController();
      const call = session.call('slow', [], {}, { signal: controller.signal, cancelMode: mode });
      const sent = await router.next(MessageType.CALL);
      controller.abort();
      const error = await call.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CallCanceledError);
      expect(error).toMatchObject({ uri: ErrorUri.CANCELED, mode, procedure: 'slow' });
      router.send({ type: MessageType.RESULT, request: sent.request, details: {}, args: ['late'] });
      await flush();
      expect(router.all(MessageType.CANCEL)).toHaveLength(0);
      expect(session.isOpen).toBe(true);
      await session.leave();
    },
  );

  it.each(['skip', 'killnowait'] as CancelMode[])(
    '%s with call_canceling: sends CANCEL and fails at once; the ERROR that follows is read',
    async (mode) => {
      const { session, router } = await joinSession(roles(['call_canceling']));
      const controller = new AbortController();
      const call = session.call('slow', [], {}, { signal: controller.signal, cancelMode: mode });
      const sent = await router.next(MessageType.CALL);
      controller.abort();
      await expect(call).rejects.toBeInstanceOf(CallCanceledError);
      await expectCancelThenDealerError(router, sent.request, mode);
      await session.leave();
    },
  );

  it('kill with call_canceling: sends CANCEL and waits for the dealer', async () => {
    const { session, router } = await joinSession(roles(['call_canceling']));
    const controller = new AbortController();
    let settled = false;
    const call = session.call('slow', [], {}, { signal: controller.signal, cancelMode: 'kill' });
    void call.catch(() => undefined).finally(() => (settled = true));
    const sent = await router.next(MessageType.CALL);
    controller.abort();
    expect((await router.next(MessageType.CANCEL)).options).toEqual({ mode: 'kill' });
    await flush();
    expect(settled).toBe(false);
    router.send({
      type: MessageType.ERROR,
      requestType: MessageType.CALL,
      request: sent.request,
      details: {},
      error: ErrorUri.CANCELED,
      args: ['callee stopped'],
    });
    await expect(call).rejects.toMatchObject({ uri: ErrorUri.CANCELED, args: ['callee stopped'] });
    await session.leave();
  });

  it('uses killnowait when no mode is given', async () => {
    const { session, router } = await joinSession(roles(['call_canceling']));
    const controller = new AbortController();
    const call = session.call('slow', [], {}, { signal: controller.signal });
    await router.next(MessageType.CALL);
    controller.abort();
    await expect(call).rejects.toMatchObject({ mode: 'killnowait' });
    expect((await router.next(MessageType.CANCEL)).options).toEqual({ mode: 'killnowait' });
    await session.leave();
  });

  it('does not send a call whose signal is already aborted', async () => {
    const { session, router } = await joinSession(ALL_FEATURES);
    await expect(session.call('x', [], {}, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      CallCanceledError,
    );
    expect(router.all(MessageType.CALL)).toHaveLength(0);
    await session.leave();
  });

  it('stops listening to the signal once the call is done', async () => {
    const { session, router } = await joinSession(ALL_FEATURES);
    const controller = new AbortController();
    const call = session.call('x', [], {}, { signal: controller.signal });
    const sent = await router.next(MessageType.CALL);
    router.send({ type: MessageType.RESULT, request: sent.request, details: {} });
    await call;
    controller.abort();
    await flush();
    expect(router.all(MessageType.CANCEL)).toHaveLength(0);
    await session.leave();
  });
});

/** The client sent CANCEL `mode` for `request`; the dealer's ERROR that follows is read quietly. */
async function expectCancelThenDealerError(router: ScriptedRouter, request: number, mode: CancelMode) {
  expect(await router.next(MessageType.CANCEL)).toEqual({
    type: MessageType.CANCEL,
    request,
    options: { mode },
  });
  router.sendError(MessageType.CALL, request, ErrorUri.CANCELED);
  await flush();
  expect(router.all(MessageType.ABORT)).toHaveLength(0);
}
