import { MessageType as M } from '../../src/protocol';
import type { Router } from '../../src/router';
import { ScriptedPeer } from './helpers/peer';
import { startRouter } from './helpers/router';

describe('meta API', () => {
  let router: Router;

  beforeEach(async () => {
    // The meta API itself; what the default rules allow of it is in default-permissions.test.ts.
    router = await startRouter({
      permissive: true,
      auth: {
        anonymous: { role: 'anonymous' },
        ticket: { principals: { ops: { ticket: 'ops-secret', role: 'admin' } } },
      },
    });
  });

  afterEach(async () => {
    await router.stop();
  });

  async function callError(
    peer: ScriptedPeer,
    procedure: string,
    args: unknown[],
    kwargs?: object,
  ): Promise<string> {
    const request = peer.call(procedure, args, {}, kwargs as Record<string, unknown>);
    const error = await peer.expect(M.ERROR);
    expect(error.slice(0, 3)).toEqual([M.ERROR, M.CALL, request]);
    return error[4] as string;
  }

  /** The events in `peer`'s inbox as [topic-subscription, args], after `actor` was served. */
  async function eventsOf(peer: ScriptedPeer, actor: ScriptedPeer): Promise<unknown[][]> {
    await actor.sync();
    await peer.sync();
    return peer.inbox
      .splice(0)
      .filter((m) => m[0] === M.EVENT)
      .map((m) => [m[1], m[4]]);
  }

  describe('sessions', () => {
    it('counts, lists and describes the sessions of the realm', async () => {
      const a = await ScriptedPeer.join(router);
      const b = await ScriptedPeer.join(router);
      await ScriptedPeer.join(router, 'elsewhere');
      expect(await a.callForResult('wamp.session.count')).toEqual([2]);
      expect(await a.callForResult('wamp.session.count', [['admin']])).toEqual([0]);
      const [ids] = await a.callForResult('wamp.session.list');
      expect((ids as number[]).sort()).toEqual([a.sessionId, b.sessionId].sort());
      expect(await a.callForResult('wamp.session.get', [b.sessionId])).toEqual([
        {
          session: b.sessionId,
          authid: b.welcome.authid,
          authrole: 'anonymous',
          authmethod: 'anonymous',
          authprovider: 'static',
          transport: { type: 'inprocess', peer: 'inprocess', serializer: 'inprocess' },
        },
      ]);
      expect(await callError(a, 'wamp.session.get', [12345])).toBe('wamp.error.no_such_session');
      expect(await callError(a, 'wamp.session.count', ['admin'])).toBe('wamp.error.invalid_argument');
    });

    it('kills a session with GOODBYE wamp.close.killed, or the reason given', async () => {
      const admin = await ScriptedPeer.join(router);
      const victim = await ScriptedPeer.join(router);
      const other = await ScriptedPeer.join(router);
      expect(await admin.callForResult('wamp.session.kill', [victim.sessionId], { message: 'bye' })).toEqual(
        [],
      );
      expect(await victim.expect(M.GOODBYE)).toEqual([M.GOODBYE, { message: 'bye' }, 'wamp.close.killed']);
      victim.send([M.GOODBYE, {}, 'wamp.close.goodbye_and_out']);
      await admin.callForResult('wamp.session.kill', [other.sessionId], {
        reason: 'com.example.maintenance',
      });
      expect(await other.expect(M.GOODBYE)).toEqual([M.GOODBYE, {}, 'com.example.maintenance']);
      // A killed session that never answers GOODBYE loses its transport after the grace period.
      await other.closed;
      expect(await admin.callForResult('wamp.session.count')).toEqual([1]);
      expect(await callError(admin, 'wamp.session.kill', [admin.sessionId])).toBe(
        'wamp.error.no_such_session',
      );
      const third = await ScriptedPeer.join(router);
      expect(await callError(admin, 'wamp.session.kill', [third.sessionId], { reason: 'not a uri' })).toBe(
        'wamp.error.invalid_uri',
      );
    });

    it('kills by authid, by authrole, and all but the caller', async () => {
      const admin = await ScriptedPeer.join(router);
      const guests = [await ScriptedPeer.join(router), await ScriptedPeer.join(router)];
      const [killed] = await admin.callForResult('wamp.session.kill_by_authid', [guests[0].welcome.authid]);
      expect(killed).toEqual([guests[0].sessionId]);
      await guests[0].expect(M.GOODBYE);
      expect(await admin.callForResult('wamp.session.kill_by_authrole', ['anonymous'])).toEqual([1]);
      await guests[1].expect(M.GOODBYE);
      await ScriptedPeer.join(router);
      await ScriptedPeer.join(router);
      expect(await admin.callForResult('wamp.session.kill_all')).toEqual([2]);
      expect(await admin.callForResult('wamp.session.count')).toEqual([1]);
    });

    it('publishes on_join with the session details and on_leave with id, authid and authrole', async () => {
      const observer = await ScriptedPeer.join(router);
      const joins = await observer.subscribe('wamp.session.on_join');
      const leaves = await observer.subscribe('wamp.session.on_leave');
      const peer = await ScriptedPeer.join(router);
      const [[subscription, args]] = await eventsOf(observer, peer);
      expect(subscription).toBe(joins);
      expect(args).toEqual([
        expect.objectContaining({ session: peer.sessionId, authrole: 'anonymous', authmethod: 'anonymous' }),
      ]);
      const { sessionId, welcome } = peer;
      await peer.leave();
      expect(await eventsOf(observer, observer)).toEqual([
        [leaves, [sessionId, welcome.authid, 'anonymous']],
      ]);
    });
  });

  describe('registrations', () => {
    it('lists, looks up, matches and describes registrations and their callees', async () => {
      const a = await ScriptedPeer.join(router);
      const b = await ScriptedPeer.join(router);
      const exact = await a.register('com.example.add');
      const shared = await a.register('com.example.', { match: 'prefix', invoke: 'roundrobin' });
      expect(await b.register('com.example.', { match: 'prefix', invoke: 'roundrobin' })).toBe(shared);
      const wild = await b.register('com..add', { match: 'wildcard' });

      expect(await a.callForResult('wamp.registration.list')).toEqual([
        { exact: [exact], prefix: [shared], wildcard: [wild] },
      ]);
      expect(await a.callForResult('wamp.registration.lookup', ['com.example.add'])).toEqual([exact]);
      expect(
        await a.callForResult('wamp.registration.lookup', ['com.example.', { match: 'prefix' }]),
      ).toEqual([shared]);
      expect(await a.callForResult('wamp.registration.lookup', ['com.nothing'])).toEqual([null]);
      expect(await a.callForResult('wamp.registration.match', ['com.example.add'])).toEqual([exact]);
      expect(await a.callForResult('wamp.registration.match', ['com.example.sub'])).toEqual([shared]);
      expect(await a.callForResult('wamp.registration.match', ['com.other.add'])).toEqual([wild]);
      expect(await a.callForResult('wamp.registration.match', ['org.x'])).toEqual([null]);
      expect(await a.callForResult('wamp.registration.get', [shared])).toEqual([
        {
          id: shared,
          created: expect.any(String),
          uri: 'com.example.',
          match: 'prefix',
          invoke: 'roundrobin',
        },
      ]);
      const [callees] = await a.callForResult('wamp.registration.list_callees', [shared]);
      expect(callees).toEqual([a.sessionId, b.sessionId]);
      expect(await a.callForResult('wamp.registration.count_callees', [shared])).toEqual([2]);
      for (const procedure of [
        'wamp.registration.get',
        'wamp.registration.list_callees',
        'wamp.registration.count_callees',
      ]) {
        expect(await callError(a, procedure, [999999])).toBe('wamp.error.no_such_registration');
      }
    });

    it('publishes on_create, on_register, on_unregister and on_delete in order', async () => {
      const observer = await ScriptedPeer.join(router);
      const topics = ['on_create', 'on_register', 'on_unregister', 'on_delete'];
      const ids: Record<number, string> = {};
      for (const t of topics) ids[await observer.subscribe(`wamp.registration.${t}`)] = t;
      const a = await ScriptedPeer.join(router);
      const b = await ScriptedPeer.join(router);
      const registration = await a.register('com.example.p', { invoke: 'first' });
      await b.register('com.example.p', { invoke: 'first' });
      const unregister = a.request();
      a.send([M.UNREGISTER, unregister, registration]);
      await a.expect(M.UNREGISTERED);
      await b.leave();
      const events = (await eventsOf(observer, a)).map(([sub, args]) => [ids[sub as number], args]);
      expect(events).toEqual([
        [
          'on_create',
          [
            a.sessionId,
            expect.objectContaining({
              id: registration,
              uri: 'com.example.p',
              match: 'exact',
              invoke: 'first',
            }),
          ],
        ],
        ['on_register', [a.sessionId, registration]],
        ['on_register', [b.sessionId, registration]],
        ['on_unregister', [a.sessionId, registration]],
        ['on_unregister', [b.sessionId, registration]],
        ['on_delete', [b.sessionId, registration]],
      ]);
    });
  });

  describe('subscriptions', () => {
    it('lists, looks up, matches and describes subscriptions and their subscribers', async () => {
      const a = await ScriptedPeer.join(router);
      const b = await ScriptedPeer.join(router);
      const exact = await a.subscribe('com.example.t');
      expect(await b.subscribe('com.example.t')).toBe(exact);
      const prefix = await b.subscribe('com.', { match: 'prefix' });
      const wild = await b.subscribe('..t', { match: 'wildcard' });

      expect(await a.callForResult('wamp.subscription.list')).toEqual([
        { exact: [exact], prefix: [prefix], wildcard: [wild] },
      ]);
      expect(await a.callForResult('wamp.subscription.lookup', ['com.', { match: 'prefix' }])).toEqual([
        prefix,
      ]);
      expect(await a.callForResult('wamp.subscription.lookup', ['com.'])).toEqual([null]);
      const [matching] = await a.callForResult('wamp.subscription.match', ['com.example.t']);
      expect((matching as number[]).sort()).toEqual([exact, prefix, wild].sort());
      expect(await a.callForResult('wamp.subscription.match', ['org.x'])).toEqual([null]);
      expect(await a.callForResult('wamp.subscription.get', [wild])).toEqual([
        { id: wild, created: expect.any(String), uri: '..t', match: 'wildcard' },
      ]);
      const [subscribers] = await a.callForResult('wamp.subscription.list_subscribers', [exact]);
      expect(subscribers).toEqual([a.sessionId, b.sessionId]);
      expect(await a.callForResult('wamp.subscription.count_subscribers', [exact])).toEqual([2]);
      expect(await callError(a, 'wamp.subscription.get', [999999])).toBe('wamp.error.no_such_subscription');
      expect(await callError(a, 'wamp.subscription.lookup', [42])).toBe('wamp.error.invalid_argument');
    });

    it('publishes on_create, on_subscribe, on_unsubscribe and on_delete', async () => {
      const observer = await ScriptedPeer.join(router);
      const prefix = await observer.subscribe('wamp.subscription.', { match: 'prefix' });
      const peer = await ScriptedPeer.join(router);
      const subscription = await peer.subscribe('com.example.t');
      await peer.leave();
      const events = await observer.sync().then(() => observer.inbox.splice(0));
      expect(events.map((e) => [e[1], (e[3] as { topic: string }).topic, e[4]])).toEqual([
        // The observer's own subscription comes first: it is created before the event is sent.
        [
          prefix,
          'wamp.subscription.on_create',
          [observer.sessionId, expect.objectContaining({ id: prefix })],
        ],
        [prefix, 'wamp.subscription.on_subscribe', [observer.sessionId, prefix]],
        [
          prefix,
          'wamp.subscription.on_create',
          [
            peer.sessionId,
            expect.objectContaining({ id: subscription, uri: 'com.example.t', match: 'exact' }),
          ],
        ],
        [prefix, 'wamp.subscription.on_subscribe', [peer.sessionId, subscription]],
        [prefix, 'wamp.subscription.on_unsubscribe', [peer.sessionId, subscription]],
        [prefix, 'wamp.subscription.on_delete', [peer.sessionId, subscription]],
      ]);
    });
  });
});
