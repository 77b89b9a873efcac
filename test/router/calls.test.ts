import { MessageType as M } from '../../src/protocol';
import type { Router } from '../../src/router';
import { ScriptedPeer } from './helpers/peer';
import { startRouter } from './helpers/router';

/** A callee that does not announce call_canceling (autobahn-js 22 is such a callee). */
const NO_CANCELING = { roles: { callee: { features: { progressive_call_results: true } }, caller: {} } };

describe('calls in flight', () => {
  let router: Router;

  beforeEach(async () => {
    router = await startRouter();
  });

  afterEach(async () => {
    await router.stop();
  });

  async function setup(calleeDetails = {}): Promise<{ callee: ScriptedPeer; caller: ScriptedPeer }> {
    const callee = await ScriptedPeer.join(router, 'realm1', calleeDetails);
    await callee.register('com.example.slow');
    const caller = await ScriptedPeer.join(router);
    return { callee, caller };
  }

  function canceledError(request: number, uri = 'wamp.error.canceled'): unknown {
    return [M.ERROR, M.CALL, request, {}, uri, [expect.any(String)]];
  }

  describe('CANCEL', () => {
    it('skip: the caller gets canceled at once, the callee hears nothing, its late YIELD is dropped', async () => {
      const { callee, caller } = await setup();
      const request = caller.call('com.example.slow');
      const invocation = await callee.expect(M.INVOCATION);
      caller.send([M.CANCEL, request, { mode: 'skip' }]);
      expect(await caller.expect(M.ERROR)).toEqual(canceledError(request));
      callee.send([M.YIELD, invocation[1], {}, ['late']]);
      await callee.sync();
      await caller.sync();
      expect(callee.inbox).toEqual([]);
      expect(caller.inbox).toEqual([]);
    });

    it('killnowait: the caller gets canceled at once and the callee an INTERRUPT', async () => {
      const { callee, caller } = await setup();
      const request = caller.call('com.example.slow');
      const invocation = await callee.expect(M.INVOCATION);
      caller.send([M.CANCEL, request, { mode: 'killnowait' }]);
      expect(await caller.expect(M.ERROR)).toEqual(canceledError(request));
      expect(await callee.expect(M.INTERRUPT)).toEqual([
        M.INTERRUPT,
        invocation[1],
        { mode: 'killnowait', reason: 'wamp.error.canceled' },
      ]);
      callee.send([M.ERROR, M.INVOCATION, invocation[1], {}, 'wamp.error.canceled']);
      await callee.sync();
      await caller.sync();
      expect(caller.inbox).toEqual([]);
    });

    it('kill: INTERRUPT first, and the caller gets the answer the callee then sends', async () => {
      const { callee, caller } = await setup();
      const request = caller.call('com.example.slow', [], { receive_progress: true });
      const invocation = await callee.expect(M.INVOCATION);
      caller.send([M.CANCEL, request, { mode: 'kill' }]);
      expect(await callee.expect(M.INTERRUPT)).toEqual([
        M.INTERRUPT,
        invocation[1],
        { mode: 'kill', reason: 'wamp.error.canceled' },
      ]);
      await caller.sync();
      expect(caller.inbox).toEqual([]); // nothing yet: kill waits for the callee
      // A progressive result after the INTERRUPT is dropped; the final answer goes through.
      callee.send([M.YIELD, invocation[1], { progress: true }, ['partial']]);
      callee.send([M.ERROR, M.INVOCATION, invocation[1], {}, 'wamp.error.canceled', ['stopped']]);
      expect(await caller.expect(M.ERROR)).toEqual([
        M.ERROR,
        M.CALL,
        request,
        {},
        'wamp.error.canceled',
        ['stopped'],
      ]);
    });

    it('kill: a callee that finishes first still delivers its RESULT', async () => {
      const { callee, caller } = await setup();
      const request = caller.call('com.example.slow');
      const invocation = await callee.expect(M.INVOCATION);
      caller.send([M.CANCEL, request, { mode: 'kill' }]);
      await callee.expect(M.INTERRUPT);
      callee.send([M.YIELD, invocation[1], {}, ['finished anyway']]);
      expect(await caller.expect(M.RESULT)).toEqual([M.RESULT, request, {}, ['finished anyway']]);
    });

    it('defaults to killnowait', async () => {
      const { callee, caller } = await setup();
      const request = caller.call('com.example.slow');
      await callee.expect(M.INVOCATION);
      caller.send([M.CANCEL, request, {}]);
      expect(await caller.expect(M.ERROR)).toEqual(canceledError(request));
      expect((await callee.expect(M.INTERRUPT))[2]).toEqual({
        mode: 'killnowait',
        reason: 'wamp.error.canceled',
      });
    });

    it.each(['kill', 'killnowait'])(
      '%s on a callee without call_canceling behaves as skip (spec)',
      async (mode) => {
        const { callee, caller } = await setup(NO_CANCELING);
        const request = caller.call('com.example.slow');
        await callee.expect(M.INVOCATION);
        caller.send([M.CANCEL, request, { mode }]);
        expect(await caller.expect(M.ERROR)).toEqual(canceledError(request));
        await callee.sync();
        expect(callee.inbox).toEqual([]);
      },
    );

    it('ignores a CANCEL for a call that already finished', async () => {
      const { callee, caller } = await setup();
      const request = caller.call('com.example.slow');
      const invocation = await callee.expect(M.INVOCATION);
      callee.send([M.YIELD, invocation[1], {}, ['ok']]);
      await caller.expect(M.RESULT);
      caller.send([M.CANCEL, request, { mode: 'kill' }]);
      await caller.sync();
      await callee.sync();
      expect(caller.inbox).toEqual([]);
      expect(callee.inbox).toEqual([]);
    });
  });

  describe('timeout', () => {
    it('fails the call with wamp.error.timeout and interrupts the callee', async () => {
      const { callee, caller } = await setup();
      const request = caller.call('com.example.slow', [], { timeout: 30 });
      const invocation = await callee.expect(M.INVOCATION);
      expect(await caller.expect(M.ERROR)).toEqual(canceledError(request, 'wamp.error.timeout'));
      expect(await callee.expect(M.INTERRUPT)).toEqual([
        M.INTERRUPT,
        invocation[1],
        { mode: 'killnowait', reason: 'wamp.error.timeout' },
      ]);
      callee.send([M.YIELD, invocation[1], {}, ['too late']]);
      await caller.sync();
      expect(caller.inbox).toEqual([]);
    });

    it('times out a callee without call_canceling too, without an INTERRUPT', async () => {
      const { callee, caller } = await setup(NO_CANCELING);
      const request = caller.call('com.example.slow', [], { timeout: 20 });
      await callee.expect(M.INVOCATION);
      expect(await caller.expect(M.ERROR)).toEqual(canceledError(request, 'wamp.error.timeout'));
      await callee.sync();
      expect(callee.inbox).toEqual([]);
    });

    it('stops the timer when the result comes first', async () => {
      const { callee, caller } = await setup();
      const request = caller.call('com.example.slow', [], { timeout: 40 });
      const invocation = await callee.expect(M.INVOCATION);
      callee.send([M.YIELD, invocation[1], {}, ['in time']]);
      expect(await caller.expect(M.RESULT)).toEqual([M.RESULT, request, {}, ['in time']]);
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(caller.inbox).toEqual([]);
      expect(callee.inbox).toEqual([]);
    });

    const CALL_TIMEOUT = { roles: { callee: { features: { call_timeout: true } } } };

    it('leaves the timeout to a callee that registered with forward_timeout and announced call_timeout', async () => {
      const callee = await ScriptedPeer.join(router, 'realm1', CALL_TIMEOUT);
      await callee.register('com.example.timed', { forward_timeout: true });
      const caller = await ScriptedPeer.join(router);
      const request = caller.call('com.example.timed', [], { timeout: 20 });
      const invocation = await callee.expect(M.INVOCATION);
      expect(invocation[3]).toEqual({ timeout: 20 });
      // spec: the dealer does not time the call out itself; the callee's answer decides.
      await new Promise((resolve) => setTimeout(resolve, 60));
      await caller.sync();
      expect(caller.inbox).toEqual([]);
      callee.send([M.ERROR, M.INVOCATION, invocation[1], {}, 'wamp.error.timeout']);
      expect(await caller.expect(M.ERROR)).toEqual([M.ERROR, M.CALL, request, {}, 'wamp.error.timeout']);
    });

    it('times out itself, telling nobody, when the callee did not ask for forward_timeout', async () => {
      const { callee, caller } = await setup(CALL_TIMEOUT);
      const request = caller.call('com.example.slow', [], { timeout: 20 });
      expect((await callee.expect(M.INVOCATION))[3]).toEqual({});
      expect(await caller.expect(M.ERROR)).toEqual(canceledError(request, 'wamp.error.timeout'));
    });

    it('treats a timeout beyond what timers hold as no timeout, not as an immediate one', async () => {
      const { callee, caller } = await setup();
      const request = caller.call('com.example.slow', [], { timeout: 2 ** 40 });
      const invocation = await callee.expect(M.INVOCATION);
      await new Promise((resolve) => setTimeout(resolve, 20));
      callee.send([M.YIELD, invocation[1], {}, ['done']]);
      expect(await caller.expect(M.RESULT)).toEqual([M.RESULT, request, {}, ['done']]);
    });

    it('aborts a REGISTER whose forward_timeout is not a boolean', async () => {
      const callee = await ScriptedPeer.join(router);
      callee.send([M.REGISTER, 1, { forward_timeout: 'yes' }, 'com.example.timed']);
      const abort = await callee.expect(M.ABORT);
      expect(abort[2]).toBe('wamp.error.protocol_violation');
      expect((abort[1] as { message: string }).message).toMatch(/forward_timeout must be a boolean/);
    });
  });

  describe('a side that leaves mid-call', () => {
    it('a callee leaving fails its calls with wamp.error.canceled at once', async () => {
      const { callee, caller } = await setup();
      const first = caller.call('com.example.slow');
      const second = caller.call('com.example.slow');
      await callee.expect(M.INVOCATION);
      await callee.expect(M.INVOCATION);
      callee.transport.close();
      const errors = [await caller.expect(M.ERROR), await caller.expect(M.ERROR)];
      expect(errors.map((e) => e[2]).sort()).toEqual([first, second].sort());
      for (const error of errors) expect(error[4]).toBe('wamp.error.canceled');
    });

    it('a caller leaving interrupts the callee, whose late YIELD is dropped', async () => {
      const { callee, caller } = await setup();
      caller.call('com.example.slow');
      const invocation = await callee.expect(M.INVOCATION);
      caller.transport.close();
      expect(await callee.expect(M.INTERRUPT)).toEqual([
        M.INTERRUPT,
        invocation[1],
        { mode: 'killnowait', reason: 'wamp.error.canceled' },
      ]);
      callee.send([M.YIELD, invocation[1], {}, ['nobody listens']]);
      await callee.sync();
      expect(callee.inbox).toEqual([]);
    });

    it.each([
      ['YIELD', [M.YIELD, 4242, {}, ['?']]],
      ['ERROR', [M.ERROR, M.INVOCATION, 4242, {}, 'com.example.error']],
    ])(
      'a callee answering with %s an INVOCATION id it was never sent is aborted (spec)',
      async (what, answer) => {
        const { callee, caller } = await setup();
        const request = caller.call('com.example.slow');
        await callee.expect(M.INVOCATION);
        callee.send(answer);
        const abort = await callee.expect(M.ABORT);
        expect(abort[2]).toBe('wamp.error.protocol_violation');
        expect((abort[1] as { message: string }).message).toBe(
          `${what} for INVOCATION.Request 4242, which this session was never sent`,
        );
        // Its registration went with it, and its caller was told.
        expect(await caller.expect(M.ERROR)).toEqual(canceledError(request));
        expect(router.stats).toMatchObject({ sessions: 1, registrations: 0, callsInFlight: 0 });
      },
    );

    it('counts INVOCATION ids afresh in a new session on the same transport', async () => {
      const { callee, caller } = await setup();
      caller.call('com.example.slow');
      caller.call('com.example.slow');
      expect((await callee.expect(M.INVOCATION))[1]).toBe(1);
      expect((await callee.expect(M.INVOCATION))[1]).toBe(2);
      callee.send([M.GOODBYE, {}, 'wamp.close.normal']);
      await callee.expect(M.GOODBYE);
      // Its two calls failed as it left.
      expect((await caller.expect(M.ERROR))[4]).toBe('wamp.error.canceled');
      expect((await caller.expect(M.ERROR))[4]).toBe('wamp.error.canceled');
      await callee.hello();
      await callee.register('com.example.again');
      caller.call('com.example.again');
      expect((await callee.expect(M.INVOCATION))[1]).toBe(1);
    });
  });
});
