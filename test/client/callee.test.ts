import { FeatureNotSupportedError, CallCanceledError, SessionClosedError } from '../../src/client/errors';
import { Registration } from '../../src/client/registration';
import { Result, type InvocationContext } from '../../src/client/types';
import { ErrorUri, RemoteError, WampError } from '../../src/protocol/errors';
import { MessageType, type Invocation } from '../../src/protocol/messages';
import {
  ALL_FEATURES,
  BASIC,
  ScriptedRouter,
  flush,
  joinSession,
  recordingLogger,
  roles,
} from './scripted-router';
import type { Session } from '../../src/client/session';

/** Registers `procedure` and confirms it with registration id `id`. */
async function registered(
  session: Session,
  router: ScriptedRouter,
  procedure: string,
  handler: (...a: Parameters<Registration['handler']>) => unknown,
  id = 100,
) {
  const registering = session.register(procedure, handler);
  const sent = await router.next(MessageType.REGISTER);
  router.send({ type: MessageType.REGISTERED, request: sent.request, registration: id });
  return registering;
}

/** Sends INVOCATION `request` of registration `registration` and returns the answer. */
async function invoke(
  router: ScriptedRouter,
  message: Omit<Invocation, 'type' | 'details'> & { details?: Invocation['details'] },
) {
  router.send({ type: MessageType.INVOCATION, details: {}, ...message });
  return router.next();
}

describe('Callee: register and unregister', () => {
  it('sends REGISTER and gives a live Registration on REGISTERED', async () => {
    const { session, router } = await joinSession(BASIC);
    const handler = () => 1;
    const registering = session.register('calc.add', handler);
    const sent = await router.next(MessageType.REGISTER);
    expect(sent).toEqual({ type: MessageType.REGISTER, request: 1, options: {}, procedure: 'calc.add' });
    router.send({ type: MessageType.REGISTERED, request: sent.request, registration: 7 });
    const registration = await registering;
    expect(registration).toBeInstanceOf(Registration);
    expect(registration).toMatchObject({ id: 7, active: true, procedure: 'calc.add', handler });
    await session.leave();
    expect(registration.active).toBe(false);
  });

  it('rejects with the RemoteError of the dealer', async () => {
    const { session, router } = await joinSession(BASIC);
    const registering = session.register('calc.add', () => 1);
    const sent = await router.next(MessageType.REGISTER);
    router.sendError(MessageType.REGISTER, sent.request, ErrorUri.PROCEDURE_ALREADY_EXISTS);
    await expect(registering).rejects.toMatchObject({ uri: ErrorUri.PROCEDURE_ALREADY_EXISTS });
    await expect(registering).rejects.toBeInstanceOf(RemoteError);
    await session.leave();
  });

  it('unregisters, serving invocations that arrive before UNREGISTERED', async () => {
    const { session, router } = await joinSession(BASIC);
    const registration = await registered(session, router, 'p', () => 'served');
    const unregistering = registration.unregister();
    const sent = await router.next(MessageType.UNREGISTER);
    expect(sent).toMatchObject({ registration: 100 });
    expect(await invoke(router, { request: 1, registration: 100 })).toMatchObject({
      type: MessageType.YIELD,
      args: ['served'],
    });
    router.send({ type: MessageType.UNREGISTERED, request: sent.request });
    await unregistering;
    expect(registration.active).toBe(false);
    // Gone now: another INVOCATION of it is a violation.
    router.sendWire([MessageType.INVOCATION, 2, 100, {}]);
    expect((await router.next(MessageType.ABORT)).reason).toBe(ErrorUri.PROTOCOL_VIOLATION);
  });

  it('rejects an UNREGISTER the dealer refuses', async () => {
    const { session, router } = await joinSession(BASIC);
    const registration = await registered(session, router, 'p', () => 1);
    const unregistering = session.unregister(registration);
    const sent = await router.next(MessageType.UNREGISTER);
    router.sendError(MessageType.UNREGISTER, sent.request, ErrorUri.NO_SUCH_REGISTRATION);
    await expect(unregistering).rejects.toMatchObject({ uri: ErrorUri.NO_SUCH_REGISTRATION });
    await session.leave();
  });

  it('resolves an UNREGISTER in flight when the session closes (the router dropped the registration with it)', async () => {
    const { session, router } = await joinSession(BASIC);
    const registration = await registered(session, router, 'p', () => 1);
    const registering = session.register('q', () => 2);
    const unregistering = session.unregister(registration);
    await router.next(MessageType.UNREGISTER);
    router.send({ type: MessageType.GOODBYE, details: {}, reason: 'wamp.close.system_shutdown' });
    await expect(unregistering).resolves.toBeUndefined();
    await expect(registering).rejects.toBeInstanceOf(SessionClosedError);
    expect(registration.active).toBe(false);
  });

  it('resolves at once when unregistering what the session does not hold', async () => {
    const { session, router } = await joinSession(BASIC);
    const registration = await registered(session, router, 'p', () => 1);
    router.send({
      type: MessageType.UNREGISTERED,
      request: 0,
      details: { registration: 100, reason: 'wamp.close.killed' },
    });
    await flush();
    expect(registration.active).toBe(false);
    await registration.unregister();
    expect(router.all(MessageType.UNREGISTER)).toHaveLength(0);
    await session.leave();
  });
});

describe('Callee: options and features', () => {
  it.each([
    ['match', { match: 'prefix' as const }, 'pattern_based_registration'],
    ['match', { match: 'wildcard' as const }, 'pattern_based_registration'],
    ['invoke', { invoke: 'roundrobin' as const }, 'shared_registration'],
  ])('%s %o needs %s: a typed error without it, the option with it', async (_name, options, feature) => {
    const without = await joinSession(BASIC);
    const error = await without.session.register('com.app', () => 1, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeatureNotSupportedError);
    expect(error).toMatchObject({ uri: ErrorUri.FEATURE_NOT_SUPPORTED, role: 'dealer', feature });
    expect((error as Error).message).toContain(feature);
    expect(without.router.all(MessageType.REGISTER)).toHaveLength(0);
    await without.session.leave();

    const withIt = await joinSession(roles([feature]));
    void withIt.session.register('com.app', () => 1, options).catch(() => undefined);
    expect((await withIt.router.next(MessageType.REGISTER)).options).toEqual(options);
    await withIt.session.leave();
  });

  it('leaves the defaults exact and single off the wire', async () => {
    const { session, router } = await joinSession(BASIC);
    void session.register('a', () => 1, { match: 'exact', invoke: 'single' }).catch(() => undefined);
    expect((await router.next(MessageType.REGISTER)).options).toEqual({});
    await session.leave();
  });

  it('sends disclose_caller only to a dealer with caller_identification', async () => {
    const withIt = await joinSession(roles(['caller_identification']));
    void withIt.session.register('a', () => 1, { discloseCaller: true }).catch(() => undefined);
    expect((await withIt.router.next(MessageType.REGISTER)).options).toEqual({ disclose_caller: true });
    await withIt.session.leave();
    const without = await joinSession(BASIC);
    void without.session.register('a', () => 1, { discloseCaller: true }).catch(() => undefined);
    expect((await without.router.next(MessageType.REGISTER)).options).toEqual({});
    await without.session.leave();
  });
});

describe('Callee: invocations', () => {
  it('gives the handler args, kwargs and the context', async () => {
    const { session, router } = await joinSession(ALL_FEATURES);
    let seen: { args: unknown[]; kwargs: object; context: InvocationContext } | undefined;
    const registration = await registered(session, router, 'com.app.', (args, kwargs, context) => {
      seen = { args, kwargs, context };
    });
    await invoke(router, {
      request: 9,
      registration: 100,
      details: {
        procedure: 'com.app.create',
        caller: 42,
        caller_authid: 'ada',
        caller_authrole: 'admin',
        timeout: 500,
      },
      args: [1],
      kwargs: { b: 2 },
    });
    expect(seen?.args).toEqual([1]);
    expect(seen?.kwargs).toEqual({ b: 2 });
    expect(seen?.context).toMatchObject({
      procedure: 'com.app.create',
      registration,
      caller: 42,
      callerAuthid: 'ada',
      callerAuthrole: 'admin',
      timeout: 500,
      progress: undefined,
    });
    expect(seen?.context.signal.aborted).toBe(false);
    await session.leave();
  });

  it('uses the registered procedure when Details carry none, and [] / {} for absent payloads', async () => {
    const { session, router } = await joinSession(BASIC);
    let seen: unknown[] = [];
    await registered(session, router, 'calc.zero', (args, kwargs, context) => {
      seen = [args, kwargs, context.procedure];
    });
    await invoke(router, { request: 1, registration: 100 });
    expect(seen).toEqual([[], {}, 'calc.zero']);
    await session.leave();
  });

  it.each([
    ['undefined as no arguments', undefined, { args: undefined, kwargs: undefined }],
    ['a value v as [v]', { total: 3 }, { args: [{ total: 3 }] }],
    ['an array as one argument', [1, 2], { args: [[1, 2]] }],
    ['null as [null]', null, { args: [null] }],
    [
      'a Result as its args and kwargs',
      new Result([1], { unit: 'kg' }),
      { args: [1], kwargs: { unit: 'kg' } },
    ],
  ])('yields %s', async (_name, value, expected) => {
    const { session, router } = await joinSession(BASIC);
    await registered(session, router, 'p', async () => value);
    const reply = await invoke(router, { request: 3, registration: 100 });
    expect(reply).toEqual({ type: MessageType.YIELD, request: 3, options: {}, ...expected });
    await session.leave();
  });

  it.each([
    ['a plain value', () => 'v'],
    ['a promise', async () => 'v'],
    ['a thenable that is not a Promise', () => ({ then: (resolve: (v: string) => void) => resolve('v') })],
  ])('yields what the handler returns as %s', async (_name, handler) => {
    const { session, router } = await joinSession(BASIC);
    await registered(session, router, 'p', handler);
    const reply = await invoke(router, { request: 6, registration: 100 });
    expect(reply).toEqual({ type: MessageType.YIELD, request: 6, options: {}, args: ['v'] });
    await session.leave();
  });

  it('answers a thenable that rejects with its error', async () => {
    const { session, router } = await joinSession(BASIC);
    await registered(session, router, 'p', () => ({
      then: (_resolve: unknown, reject: (e: unknown) => void) => reject(new WampError('shop.error.gone')),
    }));
    expect(await invoke(router, { request: 7, registration: 100 })).toMatchObject({
      type: MessageType.ERROR,
      request: 7,
      error: 'shop.error.gone',
    });
    await session.leave();
  });

  it('sends a thrown WampError with its uri, args and kwargs', async () => {
    const { session, router } = await joinSession(BASIC);
    await registered(session, router, 'p', () => {
      throw new WampError('shop.error.out_of_stock', ['sku-1'], { available: 0 });
    });
    expect(await invoke(router, { request: 4, registration: 100 })).toEqual({
      type: MessageType.ERROR,
      requestType: MessageType.INVOCATION,
      request: 4,
      details: {},
      error: 'shop.error.out_of_stock',
      args: ['sku-1'],
      kwargs: { available: 0 },
    });
    await session.leave();
  });

  it('passes a RemoteError from a nested call on with its uri', async () => {
    const { session, router } = await joinSession(BASIC);
    await registered(session, router, 'p', async () => {
      throw new RemoteError('other.error.x', ['why'], {});
    });
    expect(await invoke(router, { request: 4, registration: 100 })).toMatchObject({
      error: 'other.error.x',
      args: ['why'],
    });
    await session.leave();
  });

  it('sends any other error as wservice.error.application with name and message, no stack, logged once', async () => {
    const { logger, lines } = recordingLogger();
    const { session, router } = await joinSession(BASIC, { logger });
    await registered(session, router, 'p', async () => {
      throw new TypeError('bad thing');
    });
    const reply = await invoke(router, { request: 5, registration: 100 });
    expect(reply).toEqual({
      type: MessageType.ERROR,
      requestType: MessageType.INVOCATION,
      request: 5,
      details: {},
      error: ErrorUri.APPLICATION_ERROR,
      args: ['bad thing'],
      kwargs: { name: 'TypeError', message: 'bad thing' },
    });
    expect(JSON.stringify(router.wire.at(-1))).not.toContain('at ');
    expect(lines.filter((l) => l.msg === 'procedure failed')).toHaveLength(1);
    await session.leave();
  });

  it('answers ERROR when the result cannot be serialized', async () => {
    const { session, router } = await joinSession(BASIC);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await registered(session, router, 'p', () => cyclic);
    const reply = await invoke(router, { request: 6, registration: 100 });
    expect(reply).toMatchObject({ type: MessageType.ERROR, error: ErrorUri.APPLICATION_ERROR });
    expect(session.isOpen).toBe(true);
    await session.leave();
  });

  it('runs invocations concurrently', async () => {
    const { session, router } = await joinSession(BASIC);
    const gates: (() => void)[] = [];
    await registered(
      session,
      router,
      'p',
      (args) => new Promise((resolve) => gates.push(() => resolve(args[0]))),
    );
    router.send({ type: MessageType.INVOCATION, request: 1, registration: 100, details: {}, args: ['a'] });
    router.send({ type: MessageType.INVOCATION, request: 2, registration: 100, details: {}, args: ['b'] });
    await flush();
    expect(gates).toHaveLength(2);
    gates[1]();
    expect(await router.next(MessageType.YIELD)).toMatchObject({ request: 2, args: ['b'] });
    gates[0]();
    expect(await router.next(MessageType.YIELD)).toMatchObject({ request: 1, args: ['a'] });
    await session.leave();
  });
});

describe('Callee: progressive results', () => {
  it('offers progress() when the caller asked, sending YIELD progress: true', async () => {
    const { session, router } = await joinSession(ALL_FEATURES);
    await registered(session, router, 'count', async (_a, _k, context) => {
      context.progress?.([1]);
      context.progress?.([], { step: 2 });
      return 'done';
    });
    router.send({
      type: MessageType.INVOCATION,
      request: 8,
      registration: 100,
      details: { receive_progress: true },
    });
    expect(await router.next(MessageType.YIELD)).toEqual({
      type: MessageType.YIELD,
      request: 8,
      options: { progress: true },
      args: [1],
    });
    expect(await router.next(MessageType.YIELD)).toMatchObject({
      options: { progress: true },
      kwargs: { step: 2 },
    });
    expect(await router.next(MessageType.YIELD)).toEqual({
      type: MessageType.YIELD,
      request: 8,
      options: {},
      args: ['done'],
    });
    await session.leave();
  });

  it('drops progress sent after the final result', async () => {
    const { session, router } = await joinSession(ALL_FEATURES);
    let late: (() => void) | undefined;
    await registered(session, router, 'count', (_a, _k, context) => {
      late = () => context.progress?.(['late']);
      return 'done';
    });
    await invoke(router, { request: 8, registration: 100, details: { receive_progress: true } });
    late?.();
    await flush();
    expect(router.all(MessageType.YIELD)).toHaveLength(1);
    await session.leave();
  });
});

describe('Callee: interrupts', () => {
  it.each(['kill', 'killnowait'] as const)(
    'INTERRUPT %s aborts the signal and answers wamp.error.canceled once the handler ends',
    async (mode) => {
      const { session, router } = await joinSession(ALL_FEATURES);
      let reason: unknown;
      await registered(
        session,
        router,
        'slow',
        (_a, _k, context) =>
          new Promise((_resolve, reject) => {
            context.signal.addEventListener('abort', () => {
              reason = context.signal.reason;
              reject(new Error('stopped'));
            });
          }),
      );
      router.send({ type: MessageType.INVOCATION, request: 11, registration: 100, details: {} });
      await flush();
      router.send({ type: MessageType.INTERRUPT, request: 11, options: { mode } });
      expect(await router.next(MessageType.ERROR)).toEqual({
        type: MessageType.ERROR,
        requestType: MessageType.INVOCATION,
        request: 11,
        details: {},
        error: ErrorUri.CANCELED,
      });
      expect(reason).toBeInstanceOf(CallCanceledError);
      expect(reason).toMatchObject({ mode, procedure: 'slow' });
      await session.leave();
    },
  );

  it('answers canceled even when the handler ignores the signal and returns', async () => {
    const { session, router } = await joinSession(ALL_FEATURES);
    let finish!: () => void;
    await registered(
      session,
      router,
      'slow',
      () => new Promise<string>((resolve) => (finish = () => resolve('x'))),
    );
    router.send({
      type: MessageType.INVOCATION,
      request: 12,
      registration: 100,
      details: { receive_progress: true },
    });
    await flush();
    router.send({ type: MessageType.INTERRUPT, request: 12, options: {} });
    await flush();
    finish();
    expect(await router.next(MessageType.ERROR)).toMatchObject({ request: 12, error: ErrorUri.CANCELED });
    expect(router.all(MessageType.YIELD)).toHaveLength(0);
    await session.leave();
  });

  it('gives a handler that reads its signal only after the INTERRUPT an already aborted one', async () => {
    const { session, router } = await joinSession(ALL_FEATURES);
    let readLate!: () => AbortSignal;
    await registered(
      session,
      router,
      'slow',
      (_a, _k, context) =>
        new Promise<string>((resolve) => {
          readLate = () => {
            resolve('x');
            return context.signal;
          };
        }),
    );
    router.send({ type: MessageType.INVOCATION, request: 16, registration: 100, details: {} });
    await flush();
    router.send({ type: MessageType.INTERRUPT, request: 16, options: { mode: 'kill' } });
    await flush();
    const signal = readLate();
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(CallCanceledError);
    expect(signal.reason).toMatchObject({ mode: 'kill', procedure: 'slow' });
    expect(await router.next(MessageType.ERROR)).toMatchObject({ request: 16, error: ErrorUri.CANCELED });
    await session.leave();
  });

  it('ignores an INTERRUPT for an invocation already answered', async () => {
    const { session, router } = await joinSession(ALL_FEATURES);
    await registered(session, router, 'p', () => 1);
    await invoke(router, { request: 13, registration: 100 });
    router.send({ type: MessageType.INTERRUPT, request: 13, options: { mode: 'kill' } });
    router.send({ type: MessageType.INTERRUPT, request: 14, options: {} });
    await flush();
    expect(session.isOpen).toBe(true);
    expect(router.all(MessageType.ERROR)).toHaveLength(0);
    await session.leave();
  });

  it('aborts running handlers when the session is lost, and answers nothing', async () => {
    const { session, router } = await joinSession(ALL_FEATURES);
    let signal: AbortSignal | undefined;
    let finish!: () => void;
    await registered(session, router, 'slow', (_a, _k, context) => {
      signal = context.signal;
      return new Promise<void>((resolve) => (finish = resolve));
    });
    router.send({ type: MessageType.INVOCATION, request: 15, registration: 100, details: {} });
    await flush();
    router.transport.close(1006, 'gone');
    await session.closed;
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(SessionClosedError);
    finish();
    await flush();
    expect(router.all(MessageType.YIELD)).toHaveLength(0);
  });
});
