import { MessageType as M } from '../../src/protocol';
import type { Router } from '../../src/router';
import { ScriptedPeer } from './helpers/peer';
import { startRouter } from './helpers/router';

/**
 * Caller disclosure to callees over real sockets: the dealer gives a remote callee the caller
 * session's one frozen disclosure (its JSON written once per session), and an in-process callee
 * an object of its own each call.
 */
describe('caller disclosure on the wire', () => {
  let router: Router;
  let url: string;

  beforeEach(async () => {
    router = await startRouter({
      listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0, path: '/ws' }],
    });
    url = router.listeners[0].url;
  });

  afterEach(async () => {
    await router.stop();
  });

  function identityOf(caller: ScriptedPeer): Record<string, unknown> {
    return { caller: caller.sessionId, caller_authid: caller.welcome.authid, caller_authrole: 'anonymous' };
  }

  async function remoteCallee(serializer: string, options: Record<string, unknown>, details = {}) {
    const callee = await ScriptedPeer.connect(url, serializer);
    await callee.hello('realm1', details);
    await callee.register('com.example.who', { disclose_caller: true, ...options });
    return callee;
  }

  it.each(['json', 'msgpack', 'cbor'])(
    'tells a %s callee who called, call after call, for callers taking turns',
    async (serializer) => {
      const callee = await remoteCallee(serializer, {});
      const first = await ScriptedPeer.connect(url);
      await first.hello();
      const second = await ScriptedPeer.connect(url);
      await second.hello();
      for (const caller of [first, second, second, first, first]) {
        const request = caller.call('com.example.who', ['hi'], {}, { n: 1 });
        const invocation = await callee.expect(M.INVOCATION);
        expect(invocation[3]).toEqual(identityOf(caller));
        expect(invocation.slice(4)).toEqual([['hi'], { n: 1 }]);
        callee.send([M.YIELD, invocation[1], {}, [invocation[3]]]);
        expect(await caller.expect(M.RESULT)).toEqual([M.RESULT, request, {}, [identityOf(caller)]]);
      }
    },
  );

  it('adds the timeout for a callee that runs it, beside the identity', async () => {
    const callee = await remoteCallee(
      'json',
      { forward_timeout: true },
      { roles: { callee: { features: { call_timeout: true } } } },
    );
    const caller = await ScriptedPeer.connect(url);
    await caller.hello();
    caller.call('com.example.who', [], { timeout: 5000 });
    const timed = await callee.expect(M.INVOCATION);
    expect(timed[3]).toEqual({ ...identityOf(caller), timeout: 5000 });
    callee.send([M.YIELD, timed[1], {}, []]);
    await caller.expect(M.RESULT);
    caller.call('com.example.who');
    expect((await callee.expect(M.INVOCATION))[3]).toEqual(identityOf(caller));
  });

  it('gives an in-process callee Details of its own each call, which it may change', async () => {
    const callee = await ScriptedPeer.join(router);
    await callee.register('com.example.who', { disclose_caller: true });
    const caller = await ScriptedPeer.connect(url);
    await caller.hello();
    for (let i = 0; i < 2; i++) {
      caller.call('com.example.who');
      const invocation = await callee.expect(M.INVOCATION);
      const details = invocation[3] as Record<string, unknown>;
      expect(details).toEqual(identityOf(caller));
      details.seen = i;
      callee.send([M.YIELD, invocation[1], {}, []]);
      await caller.expect(M.RESULT);
    }
  });
});
