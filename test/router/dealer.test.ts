import { MessageType as M } from '../../src/protocol';
import type { Router } from '../../src/router';
import { ScriptedPeer } from './helpers/peer';
import { startRouter } from './helpers/router';

describe('dealer', () => {
  let router: Router;

  beforeEach(async () => {
    router = await startRouter();
  });

  afterEach(async () => {
    await router.stop();
  });

  /** Answers the next INVOCATION with YIELD [name] and returns the INVOCATION. */
  async function answer(callee: ScriptedPeer, name: string): Promise<unknown[]> {
    const invocation = await callee.expect(M.INVOCATION);
    callee.send([M.YIELD, invocation[1], {}, [name]]);
    return invocation;
  }

  async function expectError(
    peer: ScriptedPeer,
    requestType: number,
    request: number,
    uri: string,
  ): Promise<void> {
    const error = await peer.expect(M.ERROR);
    expect(error.slice(0, 5)).toEqual([M.ERROR, requestType, request, {}, uri]);
    expect(typeof (error[5] as unknown[])[0]).toBe('string');
  }

  it('routes a call and its result, passing the payload objects through untouched', async () => {
    const callee = await ScriptedPeer.join(router);
    const registration = await callee.register('com.example.add');
    const caller = await ScriptedPeer.join(router);
    const args = [2, 3];
    const kwargs = { nested: { deep: [1, 2, 3] } };
    const request = caller.call('com.example.add', args, {}, kwargs);
    const invocation = await callee.expect(M.INVOCATION);
    expect(invocation[2]).toBe(registration);
    expect(invocation[3]).toEqual({});
    // In process the frames are the arrays themselves: the very objects the caller sent.
    expect(invocation[4]).toBe(args);
    expect(invocation[5]).toBe(kwargs);
    const resultKwargs = { sum: 5 };
    callee.send([M.YIELD, invocation[1], {}, [5], resultKwargs]);
    const result = await caller.expect(M.RESULT);
    expect(result).toEqual([M.RESULT, request, {}, [5], { sum: 5 }]);
    expect(result[4]).toBe(resultKwargs);
  });

  it('forwards a callee error with its URI, args and kwargs', async () => {
    const callee = await ScriptedPeer.join(router);
    await callee.register('com.example.fail');
    const caller = await ScriptedPeer.join(router);
    const request = caller.call('com.example.fail');
    const invocation = await callee.expect(M.INVOCATION);
    callee.send([
      M.ERROR,
      M.INVOCATION,
      invocation[1],
      {},
      'com.example.error.out_of_stock',
      ['sku-1'],
      { left: 0 },
    ]);
    expect(await caller.expect(M.ERROR)).toEqual([
      M.ERROR,
      M.CALL,
      request,
      {},
      'com.example.error.out_of_stock',
      ['sku-1'],
      { left: 0 },
    ]);
  });

  it('refuses invalid and reserved procedure URIs with wamp.error.invalid_uri', async () => {
    const peer = await ScriptedPeer.join(router);
    for (const [uri, options] of [
      ['com..example', {}],
      ['com.exa mple', {}],
      ['wamp.session.count', {}],
      ['com..', { match: 'prefix' }],
    ] as const) {
      const request = peer.request();
      peer.send([M.REGISTER, request, options, uri]);
      await expectError(peer, M.REGISTER, request, 'wamp.error.invalid_uri');
    }
    const request = peer.call('not a uri');
    await expectError(peer, M.CALL, request, 'wamp.error.invalid_uri');
  });

  it('refuses an invalid procedure URI that a prefix or wildcard registration would match', async () => {
    const callee = await ScriptedPeer.join(router);
    await callee.register('com.example.', { match: 'prefix' });
    await callee.register('com..run', { match: 'wildcard' });
    await callee.register('com.example.ok');
    const caller = await ScriptedPeer.join(router);
    for (const uri of ['com.example.bad uri', 'com.exa mple.run', 'com.example.ok ']) {
      await expectError(caller, M.CALL, caller.call(uri), 'wamp.error.invalid_uri');
    }
  });

  it('refuses a second single registration with procedure_already_exists', async () => {
    const first = await ScriptedPeer.join(router);
    await first.register('com.example.once');
    const second = await ScriptedPeer.join(router);
    const request = second.request();
    second.send([M.REGISTER, request, {}, 'com.example.once']);
    await expectError(second, M.REGISTER, request, 'wamp.error.procedure_already_exists');
    // The same URI with another match policy is another registration.
    await second.register('com.example.once', { match: 'prefix' });
  });

  it('unregisters, then answers no_such_procedure and no_such_registration', async () => {
    const callee = await ScriptedPeer.join(router);
    const registration = await callee.register('com.example.gone');
    const unregister = callee.request();
    callee.send([M.UNREGISTER, unregister, registration]);
    expect(await callee.expect(M.UNREGISTERED)).toEqual([M.UNREGISTERED, unregister]);
    const again = callee.request();
    callee.send([M.UNREGISTER, again, registration]);
    await expectError(callee, M.UNREGISTER, again, 'wamp.error.no_such_registration');
    const call = callee.call('com.example.gone');
    await expectError(callee, M.CALL, call, 'wamp.error.no_such_procedure');
  });

  it("refuses to unregister another session's registration", async () => {
    const owner = await ScriptedPeer.join(router);
    const registration = await owner.register('com.example.mine');
    const other = await ScriptedPeer.join(router);
    const request = other.request();
    other.send([M.UNREGISTER, request, registration]);
    await expectError(other, M.UNREGISTER, request, 'wamp.error.no_such_registration');
  });

  describe('pattern-based registrations', () => {
    it('prefers exact over prefix over wildcard, and the longest prefix', async () => {
      const callee = await ScriptedPeer.join(router);
      const exact = await callee.register('a.b.c.d');
      const short = await callee.register('a.b', { match: 'prefix' });
      const long = await callee.register('a.b.c', { match: 'prefix' });
      const wild = await callee.register('a..c.d', { match: 'wildcard' });
      const caller = await ScriptedPeer.join(router);
      const routes: [string, number, string | undefined][] = [
        ['a.b.c.d', exact, undefined],
        ['a.b.c.e', long, 'a.b.c.e'],
        ['a.b.x', short, 'a.b.x'],
        ['a.x.c.d', wild, 'a.x.c.d'],
      ];
      for (const [procedure, registration, concrete] of routes) {
        caller.call(procedure);
        const invocation = await answer(callee, procedure);
        expect(invocation[2]).toBe(registration);
        // spec: pattern registrations tell the callee the procedure that was called.
        expect((invocation[3] as { procedure?: string }).procedure).toBe(concrete);
        await caller.expect(M.RESULT);
      }
    });
  });

  describe('shared registrations', () => {
    async function calleesOf(
      policy: string,
      count: number,
    ): Promise<{ peers: ScriptedPeer[]; caller: ScriptedPeer }> {
      const peers: ScriptedPeer[] = [];
      let id: number | undefined;
      for (let i = 0; i < count; i++) {
        const peer = await ScriptedPeer.join(router);
        const registration = await peer.register('com.example.shared', { invoke: policy });
        id ??= registration;
        expect(registration).toBe(id); // one registration, several callees
        peers.push(peer);
      }
      return { peers, caller: await ScriptedPeer.join(router) };
    }

    /** Which callee (by index) serves each of `calls` calls. */
    async function servedBy(peers: ScriptedPeer[], caller: ScriptedPeer, calls: number): Promise<number[]> {
      const served: number[] = [];
      for (let i = 0; i < calls; i++) {
        caller.call('com.example.shared');
        await caller.sync();
        const index = peers.findIndex((p) => p.inbox.length > 0);
        served.push(index);
        await answer(peers[index], `callee ${index}`);
        expect((await caller.expect(M.RESULT))[3]).toEqual([`callee ${index}`]);
      }
      return served;
    }

    it('roundrobin takes callees in turn, in the order they registered', async () => {
      const { peers, caller } = await calleesOf('roundrobin', 3);
      expect(await servedBy(peers, caller, 7)).toEqual([0, 1, 2, 0, 1, 2, 0]);
    });

    it('roundrobin keeps its turn when a callee leaves', async () => {
      const { peers, caller } = await calleesOf('roundrobin', 3);
      expect(await servedBy(peers, caller, 2)).toEqual([0, 1]);
      await peers[0].leave();
      expect(await servedBy(peers, caller, 3)).toEqual([2, 1, 2]);
    });

    it('first always calls the earliest callee, and the next one once it leaves', async () => {
      const { peers, caller } = await calleesOf('first', 3);
      expect(await servedBy(peers, caller, 3)).toEqual([0, 0, 0]);
      await peers[0].leave();
      expect(await servedBy(peers, caller, 2)).toEqual([1, 1]);
    });

    it('last always calls the latest callee', async () => {
      const { peers, caller } = await calleesOf('last', 3);
      expect(await servedBy(peers, caller, 3)).toEqual([2, 2, 2]);
      await peers[2].leave();
      expect(await servedBy(peers, caller, 1)).toEqual([1]);
    });

    it('random spreads calls over the callees', async () => {
      const { peers, caller } = await calleesOf('random', 2);
      const served = await servedBy(peers, caller, 40);
      // Both are picked: the chance that one of two is never picked in 40 draws is 2^-39.
      expect(new Set(served)).toEqual(new Set([0, 1]));
    });

    it('refuses a second callee whose invoke policy does not match', async () => {
      await calleesOf('roundrobin', 1);
      const late = await ScriptedPeer.join(router);
      const request = late.request();
      late.send([M.REGISTER, request, { invoke: 'random' }, 'com.example.shared']);
      const error = await late.expect(M.ERROR);
      expect(error[4]).toBe('wamp.error.procedure_already_exists');
      expect((error[5] as string[])[0]).toMatch(
        /registered with invoke "roundrobin"; "random" does not match/,
      );
    });

    it('refuses the same session registering a shared procedure twice', async () => {
      const { peers } = await calleesOf('roundrobin', 1);
      const request = peers[0].request();
      peers[0].send([M.REGISTER, request, { invoke: 'roundrobin' }, 'com.example.shared']);
      await expectError(peers[0], M.REGISTER, request, 'wamp.error.procedure_already_exists');
    });
  });

  describe('caller identification', () => {
    it('discloses the caller when it asks (disclose_me) or the callee does (disclose_caller)', async () => {
      const callee = await ScriptedPeer.join(router);
      await callee.register('com.example.quiet');
      await callee.register('com.example.curious', { disclose_caller: true });
      const caller = await ScriptedPeer.join(router);
      const identity = {
        caller: caller.sessionId,
        caller_authid: caller.welcome.authid,
        caller_authrole: 'anonymous',
      };

      caller.call('com.example.quiet');
      expect((await answer(callee, 'x'))[3]).toEqual({});
      caller.call('com.example.quiet', [], { disclose_me: true });
      expect((await answer(callee, 'x'))[3]).toEqual(identity);
      caller.call('com.example.curious');
      expect((await answer(callee, 'x'))[3]).toEqual(identity);
    });
  });

  describe('progressive call results', () => {
    it('forwards progressive results to a caller that asked for them', async () => {
      const callee = await ScriptedPeer.join(router);
      await callee.register('com.example.count');
      const caller = await ScriptedPeer.join(router);
      const request = caller.call('com.example.count', [], { receive_progress: true });
      const invocation = await callee.expect(M.INVOCATION);
      expect(invocation[3]).toEqual({ receive_progress: true });
      callee.send([M.YIELD, invocation[1], { progress: true }, [1]]);
      callee.send([M.YIELD, invocation[1], { progress: true }, [2]]);
      callee.send([M.YIELD, invocation[1], {}, ['done']]);
      expect(await caller.expect(M.RESULT)).toEqual([M.RESULT, request, { progress: true }, [1]]);
      expect(await caller.expect(M.RESULT)).toEqual([M.RESULT, request, { progress: true }, [2]]);
      expect(await caller.expect(M.RESULT)).toEqual([M.RESULT, request, {}, ['done']]);
    });

    it('drops progressive results a caller did not ask for, and delivers the final one', async () => {
      const callee = await ScriptedPeer.join(router);
      await callee.register('com.example.count');
      const caller = await ScriptedPeer.join(router);
      const request = caller.call('com.example.count');
      const invocation = await callee.expect(M.INVOCATION);
      expect(invocation[3]).toEqual({});
      callee.send([M.YIELD, invocation[1], { progress: true }, [1]]);
      callee.send([M.YIELD, invocation[1], {}, ['done']]);
      expect(await caller.expect(M.RESULT)).toEqual([M.RESULT, request, {}, ['done']]);
    });

    it('does not ask a callee without the feature for progressive results', async () => {
      const callee = await ScriptedPeer.join(router, 'realm1', { roles: { callee: {} } });
      await callee.register('com.example.plain');
      const caller = await ScriptedPeer.join(router);
      caller.call('com.example.plain', [], { receive_progress: true });
      expect((await callee.expect(M.INVOCATION))[3]).toEqual({});
    });
  });
});
