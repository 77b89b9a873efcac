import { MessageType as M } from '../../src/protocol';
import type { Router } from '../../src/router';
import { ScriptedPeer } from './helpers/peer';
import { startRouter } from './helpers/router';

const TICKETS = {
  ticket: {
    principals: {
      alice: { ticket: 'a-secret', role: 'staff' },
      bob: { ticket: 'b-secret', role: 'staff' },
      carol: { ticket: 'c-secret', role: 'guest' },
    },
  },
};

describe('broker', () => {
  let router: Router;

  beforeEach(async () => {
    router = await startRouter({
      listeners: [{ type: 'websocket', port: 0 }],
      auth: { ...TICKETS, anonymous: { role: 'anonymous' } },
    });
  });

  afterEach(async () => {
    await router.stop();
  });

  async function withTicket(authid: string, ticket: string): Promise<ScriptedPeer> {
    const peer = ScriptedPeer.attach(router);
    peer.send([
      M.HELLO,
      'realm1',
      { roles: { subscriber: {}, publisher: {} }, authmethods: ['ticket'], authid },
    ]);
    await peer.expect(M.CHALLENGE);
    peer.send([M.AUTHENTICATE, ticket, {}]);
    const welcome = await peer.expect(M.WELCOME);
    peer.sessionId = welcome[1] as number;
    return peer;
  }

  function publish(
    peer: ScriptedPeer,
    topic: string,
    options = {},
    args?: unknown[],
    kwargs?: object,
  ): number {
    const request = peer.request();
    const message: unknown[] = [M.PUBLISH, request, options, topic];
    if (args !== undefined) message.push(args);
    if (kwargs !== undefined) message.push(kwargs);
    peer.send(message);
    return request;
  }

  /** Topics of the events in each peer's inbox, after the publisher's messages were handled. */
  async function received(publisher: ScriptedPeer, peers: ScriptedPeer[]): Promise<number[]> {
    await publisher.sync();
    const counts = peers.map((p) => p.inbox.filter((m) => m[0] === M.EVENT).length);
    for (const p of peers) p.inbox.length = 0;
    return counts;
  }

  it('delivers one EVENT frame, the same object, to every subscriber of a subscription', async () => {
    const a = await ScriptedPeer.join(router);
    const b = await ScriptedPeer.join(router);
    const subscription = await a.subscribe('com.example.news');
    expect(await b.subscribe('com.example.news')).toBe(subscription);
    const publisher = await ScriptedPeer.join(router);
    const args = ['hello'];
    const kwargs = { lang: 'en' };
    const request = publish(publisher, 'com.example.news', { acknowledge: true }, args, kwargs);
    const published = await publisher.expect(M.PUBLISHED);
    expect(published[1]).toBe(request);
    const eventA = await a.expect(M.EVENT);
    const eventB = await b.expect(M.EVENT);
    expect(eventA).toEqual([M.EVENT, subscription, published[2], {}, ['hello'], { lang: 'en' }]);
    // Encoded once for the subscription, serialized once per serializer: one frame for both.
    expect(eventB).toBe(eventA);
    expect(eventA[4]).toBe(args);
  });

  it('reaches a subscription made, and not one deleted, between two publications to one topic', async () => {
    // The table keeps its answer for the last topic (test/router/subscriptions.test.ts checks
    // that a subscription made or deleted clears it); here the same over the broker.
    const exact = await ScriptedPeer.join(router);
    const wild = await ScriptedPeer.join(router);
    const publisher = await ScriptedPeer.join(router);
    await exact.subscribe('com.example.t');
    publish(publisher, 'com.example.t');
    expect(await received(publisher, [exact, wild])).toEqual([1, 0]);
    const subscription = await wild.subscribe('com..t', { match: 'wildcard' });
    publish(publisher, 'com.example.t');
    expect(await received(publisher, [exact, wild])).toEqual([1, 1]);
    wild.send([M.UNSUBSCRIBE, wild.request(), subscription]);
    await wild.expect(M.UNSUBSCRIBED);
    publish(publisher, 'com.example.t');
    expect(await received(publisher, [exact, wild])).toEqual([1, 0]);
  });

  it('returns the same subscription when a session subscribes twice', async () => {
    const peer = await ScriptedPeer.join(router);
    const first = await peer.subscribe('com.example.t');
    expect(await peer.subscribe('com.example.t')).toBe(first);
    const publisher = await ScriptedPeer.join(router);
    publish(publisher, 'com.example.t');
    expect(await received(publisher, [peer])).toEqual([1]);
  });

  it('excludes the publisher by default, and includes it with exclude_me false', async () => {
    const peer = await ScriptedPeer.join(router);
    await peer.subscribe('com.example.echo');
    publish(peer, 'com.example.echo');
    expect(await received(peer, [peer])).toEqual([0]);
    publish(peer, 'com.example.echo', { exclude_me: false });
    expect(await received(peer, [peer])).toEqual([1]);
    // A PUBLISH without options after one with: the defaults again.
    publish(peer, 'com.example.echo');
    expect(await received(peer, [peer])).toEqual([0]);
  });

  it('over WebSocket, keeps each PUBLISH to its own options, with and without any', async () => {
    const peer = await (await ScriptedPeer.connect(router.clientUrl!)).hello();
    const other = await (await ScriptedPeer.connect(router.clientUrl!)).hello();
    await peer.subscribe('com.example.echo');
    await other.subscribe('com.example.echo');
    const sequence: [object, number[]][] = [
      [{}, [0, 1]],
      [{ exclude_me: false }, [1, 1]],
      [{}, [0, 1]],
      [{ eligible: [peer.sessionId] }, [0, 0]],
      [{ exclude_me: false, exclude: [other.sessionId] }, [1, 0]],
      [{}, [0, 1]],
    ];
    for (const [options, counts] of sequence) {
      publish(peer, 'com.example.echo', options);
      await other.sync();
      expect(await received(peer, [peer, other])).toEqual(counts);
    }
    const request = publish(peer, 'com.example.echo', { acknowledge: true });
    expect((await peer.expect(M.PUBLISHED))[1]).toBe(request);
    publish(peer, 'com.example.echo');
    await peer.sync();
    expect(peer.inbox).toEqual([]);
  });

  it('honours eligible and exclude by session id', async () => {
    const peers = [
      await ScriptedPeer.join(router),
      await ScriptedPeer.join(router),
      await ScriptedPeer.join(router),
    ];
    for (const p of peers) await p.subscribe('com.example.t');
    const publisher = await ScriptedPeer.join(router);
    publish(publisher, 'com.example.t', { eligible: [peers[0].sessionId, peers[1].sessionId] });
    expect(await received(publisher, peers)).toEqual([1, 1, 0]);
    publish(publisher, 'com.example.t', { exclude: [peers[1].sessionId] });
    expect(await received(publisher, peers)).toEqual([1, 0, 1]);
    publish(publisher, 'com.example.t', {
      eligible: [peers[0].sessionId, peers[1].sessionId],
      exclude: [peers[0].sessionId],
    });
    expect(await received(publisher, peers)).toEqual([0, 1, 0]);
  });

  it('honours eligible and exclude by authid and authrole', async () => {
    const alice = await withTicket('alice', 'a-secret');
    const bob = await withTicket('bob', 'b-secret');
    const carol = await withTicket('carol', 'c-secret');
    const peers = [alice, bob, carol];
    for (const p of peers) await p.subscribe('com.example.t');
    const publisher = await ScriptedPeer.join(router);
    publish(publisher, 'com.example.t', { eligible_authid: ['alice', 'carol'] });
    expect(await received(publisher, peers)).toEqual([1, 0, 1]);
    publish(publisher, 'com.example.t', { exclude_authid: ['alice'] });
    expect(await received(publisher, peers)).toEqual([0, 1, 1]);
    publish(publisher, 'com.example.t', { eligible_authrole: ['staff'] });
    expect(await received(publisher, peers)).toEqual([1, 1, 0]);
    publish(publisher, 'com.example.t', { exclude_authrole: ['staff'] });
    expect(await received(publisher, peers)).toEqual([0, 0, 1]);
  });

  it('discloses the publisher when it asks', async () => {
    const subscriber = await ScriptedPeer.join(router);
    await subscriber.subscribe('com.example.t');
    const publisher = await withTicket('alice', 'a-secret');
    publish(publisher, 'com.example.t', { disclose_me: true });
    expect((await subscriber.expect(M.EVENT))[3]).toEqual({
      publisher: publisher.sessionId,
      publisher_authid: 'alice',
      publisher_authrole: 'staff',
    });
  });

  it('matches prefix and wildcard subscriptions, telling their subscribers the topic', async () => {
    const peer = await ScriptedPeer.join(router);
    const exact = await peer.subscribe('com.example.a.b');
    const prefix = await peer.subscribe('com.example.', { match: 'prefix' });
    const wildcard = await peer.subscribe('com..a.b', { match: 'wildcard' });
    const publisher = await ScriptedPeer.join(router);
    publish(publisher, 'com.example.a.b');
    await publisher.sync();
    const events = peer.inbox.splice(0);
    expect(events.map((e) => [e[1], e[3]])).toEqual([
      [exact, {}],
      [prefix, { topic: 'com.example.a.b' }],
      [wildcard, { topic: 'com.example.a.b' }],
    ]);
    // spec: one publication, the same id on every subscription it reaches.
    expect(new Set(events.map((e) => e[2])).size).toBe(1);
    publish(publisher, 'com.other.a.b');
    expect(await received(publisher, [peer])).toEqual([1]);
  });

  it('unsubscribes, then refuses the id with no_such_subscription', async () => {
    const peer = await ScriptedPeer.join(router);
    const subscription = await peer.subscribe('com.example.t');
    const request = peer.request();
    peer.send([M.UNSUBSCRIBE, request, subscription]);
    expect(await peer.expect(M.UNSUBSCRIBED)).toEqual([M.UNSUBSCRIBED, request]);
    const again = peer.request();
    peer.send([M.UNSUBSCRIBE, again, subscription]);
    const error = await peer.expect(M.ERROR);
    expect(error.slice(0, 5)).toEqual([M.ERROR, M.UNSUBSCRIBE, again, {}, 'wamp.error.no_such_subscription']);
    const publisher = await ScriptedPeer.join(router);
    publish(publisher, 'com.example.t');
    expect(await received(publisher, [peer])).toEqual([0]);
  });

  it('refuses invalid topics: with an ERROR when acknowledged, silently otherwise', async () => {
    const peer = await ScriptedPeer.join(router);
    const subscribe = peer.request();
    peer.send([M.SUBSCRIBE, subscribe, {}, 'com..x']);
    expect((await peer.expect(M.ERROR)).slice(0, 5)).toEqual([
      M.ERROR,
      M.SUBSCRIBE,
      subscribe,
      {},
      'wamp.error.invalid_uri',
    ]);
    for (const topic of ['com..x', 'wamp.session.on_join']) {
      const request = publish(peer, topic, { acknowledge: true });
      expect((await peer.expect(M.ERROR)).slice(0, 5)).toEqual([
        M.ERROR,
        M.PUBLISH,
        request,
        {},
        'wamp.error.invalid_uri',
      ]);
      publish(peer, topic);
    }
    await peer.sync();
    expect(peer.inbox).toEqual([]);
  });

  it('over WebSocket, refuses an invalid or reserved topic right after a valid one, each time', async () => {
    const peer = await (await ScriptedPeer.connect(router.clientUrl!)).hello();
    const subscriber = await (await ScriptedPeer.connect(router.clientUrl!)).hello();
    await subscriber.subscribe('com.example.t');
    for (const topic of ['com..x', 'wamp.session.on_join', 'com.example.t ']) {
      const request = publish(peer, 'com.example.t', { acknowledge: true });
      expect((await peer.expect(M.PUBLISHED))[1]).toBe(request);
      // Twice in a row: a refused topic is not remembered as a good one either.
      for (let i = 0; i < 2; i++) {
        const refused = publish(peer, topic, { acknowledge: true });
        expect((await peer.expect(M.ERROR)).slice(0, 5)).toEqual([
          M.ERROR,
          M.PUBLISH,
          refused,
          {},
          'wamp.error.invalid_uri',
        ]);
      }
    }
    await subscriber.sync();
    expect(subscriber.inbox.filter((m) => m[0] === M.EVENT)).toHaveLength(3);
  });
});
