import fc from 'fast-check';
import { MessageType as M } from '../../../src/protocol';
import { HANDSHAKE_TIMEOUT, Router, type RouterStats } from '../../../src/router';
import { connect, type Client } from '../helpers/autobahn';
import { errorLogger } from '../helpers/error-log';
import { eventually } from '../helpers/eventually';
import { garbage, prelude, readsAsMessage, routerMessage, scriptMessage } from '../helpers/hostile';
import { ScriptedPeer } from '../helpers/peer';
import { LINK_KINDS, linkTarget, SocketLink } from '../helpers/socket-link';

/**
 * Property-based tests against a live router over real sockets (WebSocket json / msgpack /
 * cbor and RawSocket): bytes that are no message, messages of the wrong shape, well-formed
 * messages in any order and state, random option dictionaries. The offending session is
 * aborted with a clear reason; a reference caller, callee and subscriber keep working across
 * every run; the router logs no internal error and ends every run holding exactly what it
 * held before (sessions, transports, registrations, subscriptions, calls in flight).
 */

/** ABORT reasons a client can earn with a script, each with a readable message. */
const EXPECTED_ABORTS = new Set([
  'wamp.error.protocol_violation',
  'wamp.error.no_such_realm',
  'wamp.error.invalid_uri',
  'wamp.error.no_auth_method',
  'wamp.error.authentication_failed',
  // A RawSocket frame prefix announcing more than maxMessageSize.
  'wamp.error.payload_size_exceeded',
  HANDSHAKE_TIMEOUT,
]);

/** How long `ref.slow` takes to answer, ms. */
const SLOW = 30;

/** Runs per property: the file stays well under a minute on two shared cores. */
const RUNS = 100;

describe('a live router under hostile clients', () => {
  let router: Router;
  const errorLogs: string[] = [];
  let caller: Client;
  const references: Client[] = [];
  const awaitedNews = new Map<string, () => void>();
  let baseline: RouterStats;
  let markers = 0;

  beforeAll(async () => {
    router = await Router.start({
      listeners: [
        { type: 'websocket', port: 0 },
        { type: 'rawsocket', port: 0 },
      ],
      realms: [
        {
          name: 'realm1',
          roles: [
            {
              name: 'guest',
              permissions: [
                {
                  uri: '',
                  match: 'prefix',
                  allow: { call: true, register: true, subscribe: true, publish: true },
                },
                // Hostile sessions may not end the reference sessions through the meta API.
                { uri: 'wamp.session.kill', match: 'prefix', allow: {} },
              ],
            },
            {
              name: 'reference',
              permissions: [
                {
                  uri: '',
                  match: 'prefix',
                  allow: { call: true, register: true, subscribe: true, publish: true },
                },
              ],
            },
          ],
        },
      ],
      auth: {
        anonymous: { role: 'guest' },
        ticket: {
          principals: {
            ref: { ticket: 'ref-ticket', role: 'reference' },
            alice: { ticket: 's3cret', role: 'guest' },
          },
        },
      },
      limits: { maxMessageSize: 64 * 1024, shutdownTimeout: 200 },
      logger: errorLogger(errorLogs),
    });
    const [url, port] = [router.listeners[0].url, router.listeners[1].port!];
    const asReference = { authmethods: ['ticket'], authid: 'ref', onchallenge: () => 'ref-ticket' };
    const callee = await connect({ transport: 'websocket', url, serializer: 'msgpack' }, asReference);
    // autobahn-js's msgpack cannot encode undefined: a CALL without arguments gets null back.
    await callee.session.register('ref.echo', (args) => args?.[0] ?? null);
    // Answers a little later: calls to it are still in flight when a hostile caller vanishes.
    await callee.session.register(
      'ref.slow',
      () => new Promise((resolve) => setTimeout(resolve, SLOW, null)),
    );
    const subscriber = await connect({ transport: 'websocket', url, serializer: 'cbor' }, asReference);
    await subscriber.session.subscribe('ref.news', (args) => awaitedNews.get(String(args?.[0]))?.());
    caller = await connect({ transport: 'rawsocket', host: '127.0.0.1', port }, asReference);
    references.push(callee, subscriber, caller);
    baseline = router.stats;
  });

  afterAll(async () => {
    // Late answers of ref.slow go out before its session does.
    await new Promise((resolve) => setTimeout(resolve, SLOW * 2));
    await Promise.all(references.map((c) => c.close()));
    await router.stop();
  });

  /** After a run: the router is back to what it held, and the reference sessions still work. */
  async function expectHealthy(): Promise<void> {
    await eventually(() => expect(router.stats).toEqual(baseline));
    const marker = `marker-${++markers}`;
    const heard = new Promise<void>((resolve) => awaitedNews.set(marker, resolve));
    expect(await caller.session.call('ref.echo', [marker])).toBe(marker);
    await caller.session.publish('ref.news', [marker], {}, { acknowledge: true });
    await heard;
    awaitedNews.delete(marker);
    expect(errorLogs).toEqual([]);
  }

  /** Opens a run's link; error lines of an earlier (failed) run are not this run's. */
  async function open(kind: (typeof LINK_KINDS)[number]): Promise<{ link: SocketLink; peer: ScriptedPeer }> {
    errorLogs.length = 0;
    const link = await SocketLink.open(linkTarget(kind, router.listeners[0].url, router.listeners[1].port!));
    return { link, peer: new ScriptedPeer(link) };
  }

  /** Every ABORT `peer` received names an expected reason and carries a readable message. */
  function expectClearAborts(peer: ScriptedPeer): void {
    for (const message of peer.inbox.filter((m) => m[0] === M.ABORT)) {
      expect(EXPECTED_ABORTS).toContain(message[2]);
      expect((message[1] as { message?: unknown }).message).toEqual(expect.stringMatching(/\S/));
    }
  }

  /** Reads what the router sends until the link closes or `quiet` ms pass without a message. */
  async function drain(peer: ScriptedPeer, quiet: number): Promise<void> {
    const seen: unknown[][] = [];
    for (;;) {
      try {
        seen.push(await peer.next(quiet));
      } catch {
        break;
      }
    }
    peer.inbox.unshift(...seen);
  }

  it('aborts a session whose frame is no message at all, with protocol_violation', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...LINK_KINDS), fc.boolean(), garbage, async (kind, join, junk) => {
        fc.pre(!readsAsMessage(junk, kind.serializer, kind.transport));
        const { link, peer } = await open(kind);
        if (join) await peer.hello();
        if (junk.kind === 'binary') link.sendBinary(junk.bytes);
        else link.sendText(junk.text);
        const abort = await peer.expect(M.ABORT);
        expect(abort[2]).toBe('wamp.error.protocol_violation');
        expect((abort[1] as { message: string }).message).toEqual(expect.stringMatching(/\S/));
        await link.closed;
        await expectHealthy();
      }),
      { numRuns: RUNS },
    );
  });

  it('survives bytes outside RawSocket framing, before and after HELLO', async () => {
    const rawSocketKinds = LINK_KINDS.filter((k) => k.transport === 'rawsocket');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...rawSocketKinds),
        fc.boolean(),
        fc.uint8Array({ minLength: 1, maxLength: 24 }),
        async (kind, join, bytes) => {
          const { link, peer } = await open(kind);
          if (join) await peer.hello();
          link.sendUnframed(bytes);
          // A broken prefix closes the link; a plausible one makes the router wait for more.
          await drain(peer, 30);
          expectClearAborts(peer);
          link.kill();
          await expectHealthy();
        },
      ),
      { numRuns: RUNS / 2 },
    );
  });

  it('aborts a session that sends a message only routers send, at any point', async () => {
    const benign = fc.oneof(
      fc.tuple(
        fc.constant(M.SUBSCRIBE),
        fc.nat(9),
        fc.constant({}),
        fc.constantFrom('ref.news', 'com.example.t'),
      ),
      fc.tuple(
        fc.constant(M.REGISTER),
        fc.nat(9),
        fc.constant({}),
        fc.constantFrom('com.example.p', 'com.example.q'),
      ),
      fc.tuple(
        fc.constant(M.PUBLISH),
        fc.nat(9),
        fc.constant({}),
        fc.constant('com.example.t'),
        fc.constant([1]),
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...LINK_KINDS),
        fc.boolean(),
        fc.array(benign, { maxLength: 4 }),
        routerMessage,
        async (kind, join, before, offending) => {
          const { link, peer } = await open(kind);
          if (join) await peer.hello();
          for (const message of before) peer.send(message);
          peer.send(offending);
          await drain(peer, 1000);
          const abort = peer.inbox.find((m) => m[0] === M.ABORT);
          expect(abort?.[2]).toBe('wamp.error.protocol_violation');
          await link.closed;
          await expectHealthy();
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('handles any sequence of messages and options in any state, then the client leaving any way', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...LINK_KINDS),
        prelude,
        fc.array(scriptMessage, { maxLength: 10 }),
        fc.constantFrom('kill', 'close', 'goodbye'),
        async (kind, start, script, ending) => {
          const { link, peer } = await open(kind);
          for (const message of [...start, ...script]) peer.send(message);
          if (ending === 'goodbye') {
            // Answered by GOODBYE when established, by ABORT otherwise: either way after the rest.
            peer.send([M.GOODBYE, {}, 'wamp.close.normal']);
            await drain(peer, 50);
          }
          if (ending === 'kill') link.kill();
          else link.close();
          await link.closed;
          expectClearAborts(peer);
          await expectHealthy();
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });
});
