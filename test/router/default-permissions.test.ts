import { MessageType as M } from '../../src/protocol';
import type { Router, RouterStartOptions } from '../../src/router';
import { Authorizer, type Principal } from '../../src/router/authorizer';
import { ALL_CLIENT_ROLES, ScriptedPeer } from './helpers/peer';
import { startRouter } from './helpers/router';

const AUTH: RouterStartOptions['auth'] = {
  anonymous: { role: 'anonymous' },
  ticket: { principals: { ops: { ticket: 'ops-secret', role: 'admin' } } },
};

/** The error URI the router answers `message` with, or the reply's message code. */
async function outcome(
  peer: ScriptedPeer,
  message: (request: number) => unknown[],
): Promise<string | number> {
  const request = peer.request();
  peer.send(message(request));
  const reply = await peer.next();
  return reply[0] === M.ERROR ? (reply[4] as string) : (reply[0] as number);
}

describe('default rules of a realm without roles (raw WebSocket clients, no Origin)', () => {
  let router: Router;

  afterEach(() => router.stop());

  async function anonymous(): Promise<ScriptedPeer> {
    return (await ScriptedPeer.connect(router.clientUrl!)).hello();
  }

  async function admin(): Promise<ScriptedPeer> {
    const peer = await ScriptedPeer.connect(router.clientUrl!);
    peer.send([M.HELLO, 'realm1', { roles: ALL_CLIENT_ROLES, authmethods: ['ticket'], authid: 'ops' }]);
    await peer.expect(M.CHALLENGE);
    peer.send([M.AUTHENTICATE, 'ops-secret', {}]);
    await peer.expect(M.WELCOME);
    return peer;
  }

  it('lets an anonymous client use application URIs and read ids, not session details, kills or wservice.', async () => {
    router = await startRouter({ listeners: [{ type: 'websocket', port: 0 }], auth: AUTH });
    const guest = await anonymous();
    expect(await outcome(guest, (r) => [M.REGISTER, r, {}, 'com.app.add'])).toBe(M.REGISTERED);
    expect(await outcome(guest, (r) => [M.SUBSCRIBE, r, { match: 'prefix' }, 'com.'])).toBe(M.SUBSCRIBED);
    expect(await outcome(guest, (r) => [M.PUBLISH, r, { acknowledge: true }, 'com.app.news'])).toBe(
      M.PUBLISHED,
    );
    expect(await outcome(guest, (r) => [M.CALL, r, {}, 'wamp.session.count'])).toBe(M.RESULT);
    expect(await outcome(guest, (r) => [M.CALL, r, {}, 'wamp.registration.list'])).toBe(M.RESULT);
    expect(await outcome(guest, (r) => [M.SUBSCRIBE, r, {}, 'wamp.registration.on_create'])).toBe(
      M.SUBSCRIBED,
    );
    for (const procedure of [
      'wamp.session.list',
      'wamp.session.get',
      'wamp.session.kill',
      'wamp.session.kill_all',
    ])
      expect([procedure, await outcome(guest, (r) => [M.CALL, r, {}, procedure, [1]])]).toEqual([
        procedure,
        'wamp.error.not_authorized',
      ]);
    for (const topic of ['wamp.session.on_join', 'wamp.session.on_leave'])
      expect(await outcome(guest, (r) => [M.SUBSCRIBE, r, {}, topic])).toBe('wamp.error.not_authorized');
    expect(await outcome(guest, (r) => [M.REGISTER, r, {}, 'wservice.pool.x.y'])).toBe(
      'wamp.error.not_authorized',
    );
  });

  it('lets the admin role read session details and kill sessions', async () => {
    router = await startRouter({ listeners: [{ type: 'websocket', port: 0 }], auth: AUTH });
    const guest = await anonymous();
    const ops = await admin();
    const [ids] = await ops.callForResult('wamp.session.list');
    expect(ids).toContain(guest.sessionId);
    expect(await ops.callForResult('wamp.session.get', [guest.sessionId])).toEqual([
      expect.objectContaining({ authrole: 'anonymous' }),
    ]);
    expect(await ops.callForResult('wamp.session.kill_all')).toEqual([1]);
    expect((await guest.expect(M.GOODBYE))[2]).toBe('wamp.close.killed');
  });

  it('lets everyone do everything with permissive', async () => {
    router = await startRouter({ listeners: [{ type: 'websocket', port: 0 }], permissive: true });
    expect(router.permissive).toBe(true);
    const guest = await anonymous();
    expect(await outcome(guest, (r) => [M.CALL, r, {}, 'wamp.session.list'])).toBe(M.RESULT);
    expect(await outcome(guest, (r) => [M.SUBSCRIBE, r, {}, 'wamp.session.on_join'])).toBe(M.SUBSCRIBED);
    expect(await outcome(guest, (r) => [M.REGISTER, r, {}, 'wservice.pool.x.y'])).toBe(M.REGISTERED);
  });

  it('keeps reserved URIs to their owner even with permissive', async () => {
    router = await startRouter({ listeners: [{ type: 'websocket', port: 0 }], permissive: true });
    router.reserve({ uri: 'orders.', match: 'prefix', owner: 'orders' });
    const guest = await anonymous();
    expect(await outcome(guest, (r) => [M.REGISTER, r, { invoke: 'roundrobin' }, 'orders.place'])).toBe(
      'wamp.error.not_authorized',
    );
    expect(await outcome(guest, (r) => [M.REGISTER, r, { match: 'wildcard' }, '.place'])).toBe(
      'wamp.error.not_authorized',
    );
  });

  it("answers from a session's last verdict until a reservation changes the answers", () => {
    const authorizer = new Authorizer(undefined);
    const session: Principal = { authrole: 'anonymous', trusted: false };
    expect(authorizer.permits(session, 'register', 'orders.place')).toBe(true);
    expect(session.permitMemo).toMatchObject({ action: 'register', uri: 'orders.place', allowed: true });
    expect(authorizer.permits(session, 'register', 'orders.place')).toBe(true);
    authorizer.reserve({ uri: 'orders.', match: 'prefix', owner: 'orders' });
    expect(authorizer.permits(session, 'register', 'orders.place')).toBe(false);
    // Another question is not answered from the memo of the last one.
    expect(authorizer.permits(session, 'call', 'orders.place')).toBe(true);
    expect(authorizer.permits(session, 'register', 'orders.place')).toBe(false);
  });

  it('stops routing to a squatter that was already answering calls when the URI is reserved', async () => {
    router = await startRouter({ listeners: [{ type: 'websocket', port: 0 }] });
    const squatter = await anonymous();
    expect(await outcome(squatter, (r) => [M.REGISTER, r, {}, 'orders.place'])).toBe(M.REGISTERED);
    const caller = await anonymous();
    // Routed once: the squatter's verdict is now remembered on its session.
    caller.call('orders.place', ['first']);
    const invocation = await squatter.expect(M.INVOCATION);
    squatter.send([M.YIELD, invocation[1], {}, ['fake']]);
    expect((await caller.expect(M.RESULT))[3]).toEqual(['fake']);
    router.reserve({ uri: 'orders.', match: 'prefix', owner: 'orders' });
    const request = caller.call('orders.place', ['second']);
    expect(await caller.expect(M.ERROR)).toEqual([
      M.ERROR,
      M.CALL,
      request,
      {},
      'wamp.error.no_such_procedure',
      expect.any(Array),
    ]);
    await expect(squatter.next(200)).rejects.toThrow();
  });

  it('takes a reserved URI from whoever registered it before the reservation', async () => {
    router = await startRouter({ listeners: [{ type: 'websocket', port: 0 }] });
    const squatter = await anonymous();
    expect(await outcome(squatter, (r) => [M.REGISTER, r, { invoke: 'single' }, 'orders.place'])).toBe(
      M.REGISTERED,
    );
    router.reserve({ uri: 'orders.', match: 'prefix', owner: 'orders' });
    const service = await ScriptedPeer.attach(router, { trusted: true }).hello();
    const registration = await service.register('orders.place');
    const caller = await anonymous();
    caller.call('orders.place', ['x']);
    expect(await service.expect(M.INVOCATION)).toEqual([
      M.INVOCATION,
      expect.any(Number),
      registration,
      {},
      ['x'],
    ]);
  });
});
