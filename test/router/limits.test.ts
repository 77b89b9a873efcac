import { MessageType as M } from '../../src/protocol';
import { TOO_MANY_SESSIONS, type Router, type RouterStartOptions } from '../../src/router';
import { LimitedTransport } from './helpers/limited-transport';
import { ALL_CLIENT_ROLES, ScriptedPeer } from './helpers/peer';
import { startRouter } from './helpers/router';

describe('limits', () => {
  let router: Router;

  async function start(options: RouterStartOptions = {}): Promise<void> {
    router = await startRouter(options);
  }

  afterEach(async () => {
    await router.stop();
  });

  /** A peer joined over a link limited to `maxMessageSize` bytes. */
  async function joinLimited(
    maxMessageSize: number,
  ): Promise<{ peer: ScriptedPeer; link: LimitedTransport }> {
    const { client, server } = LimitedTransport.pair(maxMessageSize);
    router.attach(server);
    const peer = new ScriptedPeer(client);
    peer.send([M.HELLO, 'realm1', { roles: ALL_CLIENT_ROLES }]);
    peer.sessionId = (await peer.expect(M.WELCOME))[1] as number;
    return { peer, link: server };
  }

  const big = 'x'.repeat(2000);

  describe('message size', () => {
    beforeEach(() => start());

    it('aborts a session whose inbound message is too large, with payload_size_exceeded', async () => {
      const { peer } = await joinLimited(1000);
      const observer = await ScriptedPeer.attach(router, { trusted: true }).hello();
      await observer.subscribe('wamp.session.on_leave');
      peer.send([M.PUBLISH, 1, {}, 'com.example.t', [big]]);
      const abort = await peer.expect(M.ABORT);
      expect(abort[2]).toBe('wamp.error.payload_size_exceeded');
      expect((abort[1] as { message: string }).message).toMatch(/exceeds the limit of 1000 bytes/);
      await peer.closed;
      expect((await observer.expect(M.EVENT))[4]).toEqual([peer.sessionId, expect.any(String), 'anonymous']);
    });

    it('fails a call too large for its callee with ERROR payload_size_exceeded to the caller', async () => {
      const { peer: callee } = await joinLimited(1000);
      await callee.register('com.example.small');
      const caller = await ScriptedPeer.join(router);
      const request = caller.call('com.example.small', [big]);
      const error = await caller.expect(M.ERROR);
      expect(error.slice(0, 5)).toEqual([M.ERROR, M.CALL, request, {}, 'wamp.error.payload_size_exceeded']);
      // The callee heard nothing, and still serves calls that fit.
      caller.call('com.example.small', ['fits']);
      const invocation = await callee.expect(M.INVOCATION);
      expect(invocation[4]).toEqual(['fits']);
    });

    it('turns a result too large for its caller into ERROR payload_size_exceeded', async () => {
      const { peer: caller } = await joinLimited(1000);
      const callee = await ScriptedPeer.join(router);
      await callee.register('com.example.big');
      const request = caller.call('com.example.big');
      const invocation = await callee.expect(M.INVOCATION);
      callee.send([M.YIELD, invocation[1], {}, [big]]);
      const error = await caller.expect(M.ERROR);
      expect(error.slice(0, 5)).toEqual([M.ERROR, M.CALL, request, {}, 'wamp.error.payload_size_exceeded']);
    });

    it('turns a meta API result too large for its caller into ERROR payload_size_exceeded', async () => {
      const callee = await ScriptedPeer.join(router);
      for (let i = 0; i < 300; i++) await callee.register(`com.example.procedure${i}`);
      const { peer: caller } = await joinLimited(1000);
      const request = caller.call('wamp.registration.list');
      const error = await caller.expect(M.ERROR);
      expect(error.slice(0, 5)).toEqual([M.ERROR, M.CALL, request, {}, 'wamp.error.payload_size_exceeded']);
      expect(await caller.callForResult('wamp.session.count')).toEqual([2]);
    });

    it('delivers an event to those it fits, and tells an acknowledging publisher about the others', async () => {
      const { peer: small } = await joinLimited(1000);
      const large = await ScriptedPeer.join(router);
      await small.subscribe('com.example.t');
      await large.subscribe('com.example.t');
      const publisher = await ScriptedPeer.join(router);
      publisher.send([M.PUBLISH, 1, { acknowledge: true }, 'com.example.t', [big]]);
      const error = await publisher.expect(M.ERROR);
      expect(error.slice(0, 5)).toEqual([M.ERROR, M.PUBLISH, 1, {}, 'wamp.error.payload_size_exceeded']);
      expect((await large.expect(M.EVENT))[4]).toEqual([big]);
      await small.sync();
      expect(small.inbox).toEqual([]);
    });
  });

  describe('slow consumers', () => {
    beforeEach(() => start({ limits: { outboundHighWaterMark: 10_000, outboundHardLimit: 100_000 } }));

    it('drops events to a session above the high-water mark, but never its results', async () => {
      const { peer: slow, link } = await joinLimited(1_000_000);
      const fast = await ScriptedPeer.join(router);
      await slow.subscribe('com.example.t');
      await fast.subscribe('com.example.t');
      const publisher = await ScriptedPeer.join(router);

      link.bufferedAmount = 50_000;
      publisher.send([M.PUBLISH, 1, {}, 'com.example.t', ['while slow']]);
      await publisher.sync();
      expect((await fast.expect(M.EVENT))[4]).toEqual(['while slow']);
      // Results still reach it: a caller is waiting for them.
      expect(await slow.callForResult('wamp.session.count')).toEqual([3]);
      expect(slow.inbox).toEqual([]);

      link.bufferedAmount = 0;
      publisher.send([M.PUBLISH, 2, {}, 'com.example.t', ['drained']]);
      expect((await slow.expect(M.EVENT))[4]).toEqual(['drained']);
    });

    it('closes a session whose outbound buffer passes the hard limit', async () => {
      const { peer: slow, link } = await joinLimited(1_000_000);
      await slow.subscribe('com.example.t');
      const publisher = await ScriptedPeer.join(router);
      link.bufferedAmount = 200_000;
      publisher.send([M.PUBLISH, 1, {}, 'com.example.t', ['one too many']]);
      const info = await slow.closed;
      expect(info.code).toBe(1008);
      expect(await publisher.callForResult('wamp.session.count')).toEqual([1]);
    });
  });

  describe('sessions', () => {
    beforeEach(() => start({ limits: { maxSessions: 2 } }));

    it('refuses sessions beyond maxSessions until one leaves', async () => {
      const first = await ScriptedPeer.join(router);
      await ScriptedPeer.join(router);
      const third = ScriptedPeer.attach(router);
      third.send([M.HELLO, 'realm1', { roles: ALL_CLIENT_ROLES }]);
      expect((await third.expect(M.ABORT))[2]).toBe(TOO_MANY_SESSIONS);
      await first.leave();
      await ScriptedPeer.join(router);
      expect(router.sessionCount).toBe(2);
    });
  });
});
