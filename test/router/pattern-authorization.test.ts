import { MessageType as M, type Dict } from '../../src/protocol';
import type { Router, RoleOptions } from '../../src/router';
import { ALL_CLIENT_ROLES, ScriptedPeer } from './helpers/peer';
import { startRouter } from './helpers/router';

/**
 * The configured realm: role `user` may do everything in `app.` except in
 * `app.admin.` (a narrower rule that allows nothing); `admin` may do everything.
 */
const ROLES: RoleOptions[] = [
  {
    name: 'user',
    permissions: [
      { uri: 'app.', match: 'prefix', allow: { call: true, register: true, subscribe: true, publish: true } },
      { uri: 'app.admin.', match: 'prefix', allow: {} },
    ],
  },
  {
    name: 'admin',
    permissions: [
      { uri: '', match: 'prefix', allow: { call: true, register: true, subscribe: true, publish: true } },
    ],
  },
];

const AUTH = {
  ticket: {
    principals: {
      mallory: { ticket: 'mallory-ticket', role: 'user' },
      root: { ticket: 'root-ticket', role: 'admin' },
    },
  },
};

describe('authorization holds for patterns (raw WebSocket clients, no Origin)', () => {
  let router: Router;
  let url: string;

  beforeEach(async () => {
    router = await startRouter({
      listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0 }],
      realms: [{ name: 'app', roles: ROLES }],
      auth: AUTH,
    });
    url = router.clientUrl!;
  });

  afterEach(async () => {
    await router.stop();
  });

  async function join(authid: string): Promise<ScriptedPeer> {
    const peer = await ScriptedPeer.connect(url);
    peer.send([M.HELLO, 'app', { roles: ALL_CLIENT_ROLES, authmethods: ['ticket'], authid }]);
    await peer.expect(M.CHALLENGE);
    peer.send([M.AUTHENTICATE, `${authid}-ticket`, {}]);
    const welcome = await peer.expect(M.WELCOME);
    expect((welcome[2] as Dict).authid).toBe(authid);
    return peer;
  }

  async function publish(peer: ScriptedPeer, topic: string): Promise<void> {
    const request = peer.request();
    peer.send([M.PUBLISH, request, { acknowledge: true }, topic, [topic]]);
    expect(await peer.expect(M.PUBLISHED)).toEqual([M.PUBLISHED, request, expect.any(Number)]);
  }

  /** Every message `peer` got so far, once the router has handled what it sent before. */
  async function received(peer: ScriptedPeer): Promise<unknown[][]> {
    const request = peer.request();
    // A call the role may not make is refused at once, so its ERROR comes after everything sent to the peer before.
    peer.send([M.CALL, request, {}, 'app.admin.sync']);
    const seen: unknown[][] = [];
    for (;;) {
      const message = await peer.next();
      if (message[0] === M.ERROR && message[2] === request) return seen;
      seen.push(message);
    }
  }

  /** The next message of `peer` is an INVOCATION of `procedure` through a pattern `registration`. */
  async function expectInvocation(
    peer: ScriptedPeer,
    registration: number,
    procedure: string,
    args: unknown[],
  ): Promise<unknown[]> {
    const invocation = await peer.expect(M.INVOCATION);
    expect(invocation).toEqual([M.INVOCATION, expect.any(Number), registration, { procedure }, args]);
    return invocation;
  }

  it.each([
    ['prefix', 'app.', 'app.news.audit'],
    ['wildcard', 'app..audit', 'app.shop.audit'],
  ])('gives a %s subscription %s no event of app.admin.audit, and the rest', async (match, topic, other) => {
    const mallory = await join('mallory');
    const root = await join('root');
    const subscription = await mallory.subscribe(topic, { match });
    await publish(root, 'app.admin.audit');
    await publish(root, other);
    expect(await received(mallory)).toEqual([
      [M.EVENT, subscription, expect.any(Number), { topic: other }, [other]],
    ]);
  });

  it('gives a wildcard registration app..reset no invocation of app.admin.reset', async () => {
    const mallory = await join('mallory');
    const root = await join('root');
    const registration = await mallory.register('app..reset', { match: 'wildcard' });
    const denied = root.call('app.admin.reset', [1]);
    expect(await root.next()).toEqual([
      M.ERROR,
      M.CALL,
      denied,
      {},
      'wamp.error.no_such_procedure',
      [expect.any(String)],
    ]);
    expect(await received(mallory)).toEqual([]);
    // Its own namespace still reaches it.
    root.call('app.shop.reset', [2]);
    await expectInvocation(mallory, registration, 'app.shop.reset', [2]);
  });

  it('passes a call the best pattern may not receive on to the next best registration', async () => {
    const mallory = await join('mallory');
    const root = await join('root');
    // A prefix beats a wildcard, but mallory may not have app.admin.reset: root's wildcard gets it.
    await mallory.register('app.', { match: 'prefix' });
    const rootRegistration = await root.register('app..reset', { match: 'wildcard' });
    const request = root.call('app.admin.reset', [3]);
    const invocation = await expectInvocation(root, rootRegistration, 'app.admin.reset', [3]);
    root.send([M.YIELD, invocation[1], {}, ['done']]);
    expect(await root.expect(M.RESULT)).toEqual([M.RESULT, request, {}, ['done']]);
    expect(await received(mallory)).toEqual([]);
  });

  it('keeps a callee out of the calls of a shared pattern registration it may not receive', async () => {
    const mallory = await join('mallory');
    const root = await join('root');
    await root.register('app..reset', { match: 'wildcard', invoke: 'roundrobin' });
    await mallory.register('app..reset', { match: 'wildcard', invoke: 'roundrobin' });
    for (let i = 0; i < 4; i++) {
      const request = root.call('app.admin.reset', [i]);
      const invocation = await root.expect(M.INVOCATION);
      root.send([M.YIELD, invocation[1], {}, [i]]);
      expect(await root.expect(M.RESULT)).toEqual([M.RESULT, request, {}, [i]]);
    }
    expect(await received(mallory)).toEqual([]);
  });
});
