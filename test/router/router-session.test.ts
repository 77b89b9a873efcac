import { Writable } from 'node:stream';
import pino from 'pino';
import { MessageType as M } from '../../src/protocol';
import type { Router } from '../../src/router';
import { Broker } from '../../src/router/broker';
import { startRouter } from './helpers/router';
import { ALL_CLIENT_ROLES, ScriptedPeer } from './helpers/peer';

describe('router session state machine', () => {
  let router: Router;

  beforeEach(async () => {
    router = await startRouter();
  });

  afterEach(async () => {
    await router.stop();
  });

  async function expectViolation(peer: ScriptedPeer, text: string | RegExp): Promise<void> {
    const abort = await peer.expect(M.ABORT);
    expect(abort[2]).toBe('wamp.error.protocol_violation');
    expect((abort[1] as { message: string }).message).toMatch(text);
    await peer.closed;
  }

  it('welcomes an anonymous session into an auto-created realm, announcing the router roles', async () => {
    const peer = await ScriptedPeer.join(router, 'com.example.realm');
    expect(peer.sessionId).toBeGreaterThan(0);
    expect(peer.welcome).toMatchObject({
      realm: 'com.example.realm',
      authrole: 'anonymous',
      authmethod: 'anonymous',
      authprovider: 'static',
      roles: {
        dealer: {
          features: { call_canceling: true, progressive_call_results: true, shared_registration: true },
        },
        broker: { features: { pattern_based_subscription: true, subscriber_blackwhite_listing: true } },
      },
    });
    expect(router.realmNames).toEqual(['com.example.realm']);
    expect(router.sessionCount).toBe(1);
  });

  it('ignores the authid an anonymous client offers', async () => {
    const peer = await ScriptedPeer.join(router, 'realm1', { authid: 'admin' });
    expect(peer.welcome.authid).not.toBe('admin');
  });

  it('aborts a second HELLO as a protocol violation, and only that session', async () => {
    const bystander = await ScriptedPeer.join(router);
    await bystander.register('com.example.echo');
    const peer = await ScriptedPeer.join(router);
    peer.send([M.HELLO, 'realm1', { roles: ALL_CLIENT_ROLES }]);
    await expectViolation(peer, 'HELLO is not allowed while the session is established');

    const caller = await ScriptedPeer.join(router);
    const request = caller.call('com.example.echo', ['still here']);
    const invocation = await bystander.expect(M.INVOCATION);
    bystander.send([M.YIELD, invocation[1], {}, invocation[4]]);
    expect(await caller.expect(M.RESULT)).toEqual([M.RESULT, request, {}, ['still here']]);
  });

  it.each([
    [
      'a CALL before HELLO',
      [M.CALL, 1, {}, 'com.example.x'],
      'CALL is not allowed while the session is establishing',
    ],
    ['a message of the wrong shape', [M.HELLO, 'realm1'], 'invalid HELLO: expected 3 elements, got 2'],
    ['an unknown message code', [99, 1], 'unknown message type 99'],
    ['a message only routers send', [M.WELCOME, 1, {}], 'WELCOME is not a message a client may send'],
    ['a HELLO that announces no role', [M.HELLO, 'realm1', { roles: {} }], 'must announce at least one of'],
    [
      'a HELLO whose authmethods are not strings',
      [M.HELLO, 'realm1', { roles: ALL_CLIENT_ROLES, authmethods: [1] }],
      /authmethods must be a list of strings/,
    ],
    [
      'AUTHENTICATE without a CHALLENGE',
      [M.AUTHENTICATE, 'sig', {}],
      'AUTHENTICATE is not allowed while the session is establishing',
    ],
  ])('aborts %s', async (_what, message, text) => {
    const peer = ScriptedPeer.attach(router);
    peer.send(message);
    await expectViolation(peer, text);
  });

  it.each([
    [
      'a CALL with a string request id',
      [M.CALL, 'one', {}, 'com.example.x'],
      'invalid CALL: Request|id must be an integer id',
    ],
    [
      'an ERROR answering a CALL',
      [M.ERROR, M.CALL, 1, {}, 'com.example.error'],
      'ERROR for CALL is not a message a client may send',
    ],
    ['a RESULT', [M.RESULT, 1, {}], 'RESULT is not a message a client may send'],
    ['CANCEL with an unknown mode', [M.CANCEL, 1, { mode: 'nuke' }], /Options.mode must be one of/],
    [
      'a SUBSCRIBE whose options are a list',
      [M.SUBSCRIBE, 1, [], 'com.example.t'],
      'invalid SUBSCRIBE: Options|dict must be a dictionary',
    ],
  ])('aborts an established session that sends %s', async (_what, message, text) => {
    const peer = await ScriptedPeer.join(router);
    peer.send(message);
    await expectViolation(peer, text);
    expect(router.sessionCount).toBe(0);
  });

  it('aborts a CALL that reuses the request id of a call in flight', async () => {
    const callee = await ScriptedPeer.join(router);
    await callee.register('com.example.slow');
    const caller = await ScriptedPeer.join(router);
    caller.send([M.CALL, 7, {}, 'com.example.slow']);
    await callee.expect(M.INVOCATION);
    caller.send([M.CALL, 7, {}, 'com.example.slow']);
    await expectViolation(caller, 'CALL Request|id 7 is already used by a call in flight');
  });

  it('answers GOODBYE with goodbye_and_out, and lets the transport carry a new session', async () => {
    const peer = await ScriptedPeer.join(router);
    const first = peer.sessionId;
    peer.send([M.GOODBYE, {}, 'wamp.close.close_realm']);
    expect(await peer.expect(M.GOODBYE)).toEqual([M.GOODBYE, {}, 'wamp.close.goodbye_and_out']);
    expect(router.sessionCount).toBe(0);
    peer.send([M.HELLO, 'realm1', { roles: ALL_CLIENT_ROLES }]);
    const welcome = await peer.expect(M.WELCOME);
    expect(welcome[1]).not.toBe(first);
  });

  it('sends a leaving session nothing after its GOODBYE reply', async () => {
    const peer = await ScriptedPeer.join(router);
    await peer.subscribe('wamp.registration.', { match: 'prefix' });
    await peer.register('com.example.mine');
    await peer.sync();
    peer.inbox.length = 0;
    peer.send([M.GOODBYE, {}, 'wamp.close.close_realm']);
    await peer.expect(M.GOODBYE);
    const other = await ScriptedPeer.join(router);
    await other.sync();
    expect(peer.inbox).toEqual([]);
  });

  it('closes the session when the client aborts during authentication', async () => {
    const peer = ScriptedPeer.attach(router);
    peer.send([M.ABORT, { message: 'changed my mind' }, 'wamp.close.normal']);
    await peer.closed;
  });

  it('refuses an invalid realm URI with ABORT wamp.error.invalid_uri', async () => {
    const peer = ScriptedPeer.attach(router);
    peer.send([M.HELLO, 'bad realm', { roles: ALL_CLIENT_ROLES }]);
    const abort = await peer.expect(M.ABORT);
    expect(abort[2]).toBe('wamp.error.invalid_uri');
  });

  it('stops with GOODBYE wamp.close.system_shutdown to every session', async () => {
    const a = await ScriptedPeer.join(router);
    const b = await ScriptedPeer.join(router);
    const stopped = router.stop();
    for (const peer of [a, b]) {
      expect(await peer.expect(M.GOODBYE)).toEqual([
        M.GOODBYE,
        { message: 'the router is shutting down' },
        'wamp.close.system_shutdown',
      ]);
      peer.send([M.GOODBYE, {}, 'wamp.close.goodbye_and_out']);
    }
    await stopped;
    await Promise.all([a.closed, b.closed]);
  });
});

describe('realms', () => {
  it('refuses an unknown realm when realms are configured', async () => {
    const router = await startRouter({ realms: [{ name: 'realm1' }] });
    try {
      const peer = ScriptedPeer.attach(router);
      peer.send([M.HELLO, 'other', { roles: ALL_CLIENT_ROLES }]);
      const abort = await peer.expect(M.ABORT);
      expect(abort[2]).toBe('wamp.error.no_such_realm');
      await ScriptedPeer.join(router, 'realm1');
    } finally {
      await router.stop();
    }
  });

  it('creates realms on first join when configured realms allow it', async () => {
    const router = await startRouter({ realms: [{ name: 'realm1' }], autoCreateRealms: true });
    try {
      await ScriptedPeer.join(router, 'other');
      expect(router.realmNames.sort()).toEqual(['other', 'realm1']);
    } finally {
      await router.stop();
    }
  });

  it('keeps realms apart', async () => {
    const router = await startRouter();
    try {
      const callee = await ScriptedPeer.join(router, 'one');
      await callee.register('com.example.proc');
      const caller = await ScriptedPeer.join(router, 'two');
      const request = caller.call('com.example.proc');
      const error = await caller.expect(M.ERROR);
      expect(error.slice(0, 5)).toEqual([M.ERROR, M.CALL, request, {}, 'wamp.error.no_such_procedure']);
    } finally {
      await router.stop();
    }
  });
});

describe('logging', () => {
  it('logs each bad input once, through the logger it was given', async () => {
    const lines: { level: number; msg: string; problem?: string }[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const router = await startRouter({ logger: pino({ level: 'info' }, stream) });
    try {
      const peer = await ScriptedPeer.join(router);
      peer.call('not a uri');
      await peer.expect(M.ERROR);
      peer.send([M.CALL, 'x', {}, 'com.example.p']);
      await peer.expect(M.ABORT);
      await peer.closed;
    } finally {
      await router.stop();
    }
    const refusals = lines.filter((l) => /not a valid procedure URI/.test(l.msg));
    const violations = lines.filter((l) => l.level >= 40 && /protocol violation/.test(l.msg));
    expect(refusals).toHaveLength(1);
    expect(violations).toHaveLength(1);
    expect(violations[0].problem).toMatch(/invalid CALL: Request\|id/);
  });
});

describe('a bug of the router while it handles a frame', () => {
  afterEach(() => jest.restoreAllMocks());

  it('aborts that session only, over WebSocket, and the router goes on', async () => {
    const router = await startRouter({ listeners: [{ type: 'websocket', port: 0 }] });
    try {
      const url = router.clientUrl!;
      const victim = await (await ScriptedPeer.connect(url)).hello();
      const other = await (await ScriptedPeer.connect(url)).hello();
      await other.subscribe('com.example.t');
      const publish = jest.spyOn(Broker.prototype, 'publish').mockImplementationOnce(() => {
        throw new Error('a bug of ours');
      });
      victim.send([M.PUBLISH, victim.request(), {}, 'com.example.t', ['lost']]);
      const abort = await victim.expect(M.ABORT);
      expect(abort[2]).toBe('wservice.error.internal_error');
      await victim.closed;
      expect(publish).toHaveBeenCalledTimes(1);
      // Every other session is served as before.
      const publisher = await (await ScriptedPeer.connect(url)).hello();
      publisher.send([M.PUBLISH, publisher.request(), {}, 'com.example.t', ['kept']]);
      expect((await other.expect(M.EVENT))[4]).toEqual(['kept']);
    } finally {
      await router.stop();
    }
  });
});
