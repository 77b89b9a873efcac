import { MessageType as M } from '../../../src/protocol';
import { HANDSHAKE_TIMEOUT, type Router, type RouterStats } from '../../../src/router';
import { connect, type Client } from '../helpers/autobahn';
import { eventually } from '../helpers/eventually';
import { ALL_CLIENT_ROLES, ScriptedPeer } from '../helpers/peer';
import { startRouter } from '../helpers/router';
import { LINK_KINDS, linkTarget, SocketLink } from '../helpers/socket-link';

/**
 * Peers that die without a word: their TCP socket is destroyed (no GOODBYE, no closing
 * handshake), as when a process is killed. Nothing may hang, and everything the router held
 * for them goes: sessions, transports, registrations, subscriptions, calls in flight.
 */
describe.each(LINK_KINDS)('a peer over $transport/$serializer that vanishes', (kind) => {
  let router: Router;
  let reference: Client;
  let baseline: RouterStats;

  beforeAll(async () => {
    router = await startRouter({
      listeners: [
        { type: 'websocket', port: 0 },
        { type: 'rawsocket', port: 0 },
      ],
      auth: {
        anonymous: { role: 'anonymous' },
        ticket: { principals: { alice: { ticket: 's3cret', role: 'anonymous' } } },
      },
      limits: { handshakeTimeout: 300 },
    });
    // A healthy autobahn-js session that calls, publishes and subscribes throughout.
    reference = await connect({ transport: 'websocket', url: router.listeners[0].url, serializer: 'json' });
  });

  afterAll(async () => {
    await reference.close();
    await router.stop();
  });

  beforeEach(() => {
    baseline = router.stats;
  });

  afterEach(async () => {
    await eventually(() => expect(router.stats).toEqual(baseline));
    // Nor does any per-session index of a dealer or broker keep the vanished session.
    expect(router.strayedSessions).toBe(0);
  });

  async function open(): Promise<{ link: SocketLink; peer: ScriptedPeer }> {
    const link = await SocketLink.open(linkTarget(kind, router.listeners[0].url, router.listeners[1].port!));
    return { link, peer: new ScriptedPeer(link) };
  }

  it('mid-call, as the callee: its caller gets wamp.error.canceled', async () => {
    const { link, peer: callee } = await open();
    await callee.hello();
    await callee.register('com.example.slow');
    const call = reference.session.call('com.example.slow', ['work']);
    expect((await callee.expect(M.INVOCATION))[4]).toEqual(['work']);
    expect(router.stats).toMatchObject({ registrations: baseline.registrations + 1, callsInFlight: 1 });
    link.kill();
    // No call timeout was asked for: only the router noticing the dead socket ends the call.
    await expect(call).rejects.toMatchObject({ error: 'wamp.error.canceled' });
  });

  it('mid-call, as the caller: its callee gets an INTERRUPT, and serves the next caller', async () => {
    const callee = await ScriptedPeer.connect(router.listeners[0].url, 'msgpack');
    await callee.hello();
    await callee.register('com.example.slow');
    const { link, peer: caller } = await open();
    await caller.hello();
    caller.call('com.example.slow');
    const invocation = await callee.expect(M.INVOCATION);
    link.kill();
    expect(await callee.expect(M.INTERRUPT)).toEqual([
      M.INTERRUPT,
      invocation[1],
      { mode: 'killnowait', reason: 'wamp.error.canceled' },
    ]);
    const call = reference.session.call('com.example.slow', ['next']);
    const next = await callee.expect(M.INVOCATION);
    callee.send([M.YIELD, next[1], {}, ['served']]);
    expect(await call).toBe('served');
    await callee.leave();
  });

  it('mid-stream, as a subscriber: the publisher and the other subscribers go on', async () => {
    const published = 60;
    const survivor: unknown[] = [];
    let allReceived!: () => void;
    const done = new Promise<void>((resolve) => (allReceived = resolve));
    const subscription = await reference.session.subscribe('com.example.stream', (args) => {
      survivor.push(args![0]);
      if (survivor.length === published) allReceived();
    });
    const { link, peer: victim } = await open();
    await victim.hello();
    await victim.subscribe('com.example.stream');
    const publisher = await ScriptedPeer.connect(router.listeners[0].url, 'cbor');
    await publisher.hello();
    for (let i = 0; i < published; i++) {
      publisher.send([M.PUBLISH, i + 1, { acknowledge: true, exclude_me: true }, 'com.example.stream', [i]]);
      // Every publication is acknowledged, before and after the subscriber dies.
      expect(await publisher.expect(M.PUBLISHED)).toEqual([M.PUBLISHED, i + 1, expect.any(Number)]);
      if (i === published / 2) link.kill();
    }
    await done;
    expect(survivor).toEqual(Array.from({ length: published }, (_, i) => i));
    await reference.session.unsubscribe(subscription);
    await publisher.leave();
  });

  it('mid-authentication: its session id, transport and pending challenge go', async () => {
    const { link, peer } = await open();
    peer.send([M.HELLO, 'realm1', { roles: ALL_CLIENT_ROLES, authmethods: ['ticket'], authid: 'alice' }]);
    await peer.expect(M.CHALLENGE);
    expect(router.stats).toMatchObject({
      sessions: baseline.sessions + 1,
      transports: baseline.transports + 1,
    });
    link.kill();
  });

  it('before HELLO: its transport goes', async () => {
    const { link } = await open();
    await eventually(() => expect(router.stats.transports).toBe(baseline.transports + 1));
    link.kill();
  });

  it('that stalls before HELLO, or mid-authentication, is aborted after limits.handshakeTimeout', async () => {
    const { link: silent, peer: quiet } = await open();
    const { link: stuck, peer: stalled } = await open();
    stalled.send([M.HELLO, 'realm1', { roles: ALL_CLIENT_ROLES, authmethods: ['ticket'], authid: 'alice' }]);
    await stalled.expect(M.CHALLENGE);
    for (const peer of [quiet, stalled]) expect((await peer.expect(M.ABORT))[2]).toBe(HANDSHAKE_TIMEOUT);
    await Promise.all([silent.closed, stuck.closed]);
  });
});
