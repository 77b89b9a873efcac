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

    it("tells a callee that announced call_timeout the caller's timeout", async () => {
      const { callee, caller } = await setup({ roles: { callee: { features: { call_timeout: true } } } });
      caller.call('com.example.slow', [], { timeout: 5000 });
      expect((await callee.expect(M.INVOCATION))[3]).toEqual({ timeout: 5000 });
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

    it('a callee answering an INVOCATION id it never got is ignored', async () => {
      const { callee } = await setup();
      callee.send([M.YIELD, 4242, {}, ['?']]);
      callee.send([M.ERROR, M.INVOCATION, 4243, {}, 'com.example.error']);
      await callee.sync();
      expect(callee.inbox).toEqual([]);
    });
  });
});
