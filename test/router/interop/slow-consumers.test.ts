import { WebSocket } from 'ws';
import { MessageType as M } from '../../../src/protocol';
import type { Router } from '../../../src/router';
import { until } from '../../helpers/until';
import { startRouter } from '../helpers/router';

const TOPIC = 'com.example.burst';
const HIGH_WATER_MARK = 256 * 1024;
const EVERYTHING = {
  uri: '',
  match: 'prefix' as const,
  allow: { call: true, register: true, subscribe: true, publish: true },
};

/** A raw WebSocket session over loopback that counts what it receives; its socket can be paused. */
class Peer {
  readonly events: unknown[][] = [];
  readonly inbox: unknown[][] = [];
  id = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as unknown[];
      if (message[0] === M.EVENT) this.events.push(message);
      else this.inbox.push(message);
      if (message[0] === M.WELCOME) this.id = message[1] as number;
    });
  }

  static async join(url: string, ...topics: string[]): Promise<Peer> {
    const peer = new Peer(new WebSocket(url, ['wamp.2.json']));
    await new Promise((resolve) => peer.ws.once('open', resolve));
    peer.send([M.HELLO, 'realm1', { roles: { subscriber: {}, publisher: {} } }]);
    await until(() => peer.id !== 0, { what: 'WELCOME' });
    for (const [index, topic] of topics.entries()) peer.send([M.SUBSCRIBE, index + 1, {}, topic]);
    await until(() => peer.inbox.filter((m) => m[0] === M.SUBSCRIBED).length === topics.length, {
      what: 'SUBSCRIBED',
    });
    return peer;
  }

  send(message: unknown[]): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Stops (or resumes) reading from the socket: the router's output to it piles up. */
  reading(on: boolean): void {
    const socket = (this.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    if (on) socket.resume();
    else socket.pause();
  }

  /** EVENTs received on `topic`'s subscription whose first argument is a number, in order. */
  numbers(): number[] {
    return this.events.map((m) => (m[4] as unknown[])[0]).filter((n): n is number => typeof n === 'number');
  }
}

/**
 * Issue 11's slow-consumer case, bounded: a subscriber that stopped reading loses events, a
 * subscriber that keeps reading loses none, even when it falls behind for a while during a
 * burst (the router holds the publisher back instead), and the drops are visible.
 */
describe('slow consumers during a burst of events', () => {
  let router: Router;
  const peers: Peer[] = [];

  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.ws.terminate();
    await router.stop();
  });

  async function join(...topics: string[]): Promise<Peer> {
    const peer = await Peer.join(router.listeners[0].url, ...topics);
    peers.push(peer);
    return peer;
  }

  function start(slowConsumerTimeout: number): Promise<Router> {
    return startRouter({
      listeners: [{ type: 'websocket', port: 0 }],
      // The monitor subscribes to a meta topic: the role must allow it.
      realms: [{ name: 'realm1', roles: [{ name: 'anonymous', permissions: [EVERYTHING] }] }],
      limits: { outboundHighWaterMark: HIGH_WATER_MARK, slowConsumerTimeout },
    });
  }

  /** Events `from`, `from + 1`... of 1 KB each. */
  function publish(publisher: Peer, from: number, count: number, options = {}): void {
    const payload = 'x'.repeat(1000);
    for (let i = from; i < from + count; i++)
      publisher.send([M.PUBLISH, i + 1, options, TOPIC, [i, payload]]);
  }

  it('only the subscriber that stopped reading loses events; one that falls behind and catches up loses none', async () => {
    router = await start(2_000);
    const paused = await join(TOPIC);
    const healthy = await join(TOPIC);
    const monitor = await join('wamp.session.on_drop');
    const publisher = await join();
    paused.reading(false);

    // A first burst makes the paused subscriber slow (it never drains): it loses events.
    // (The kernel's socket buffers hold a few MB before the router's own buffer grows.)
    let first = 0;
    await until(
      async () => {
        publish(publisher, first, 1000);
        first += 1000;
        await until(() => healthy.events.length === first, { what: 'the first burst', timeout: 20_000 });
        return router.stats.droppedEventsBySession[paused.id] !== undefined;
      },
      { what: 'the paused subscriber losing events', timeout: 30_000 },
    );

    // The healthy one stops reading for a while, in the middle of a larger burst: the router
    // buffers for it past half its mark, holds the publisher back, and loses nothing for it.
    const second = 20_000;
    healthy.reading(false);
    publish(publisher, first, second);
    // Until the router holds the publisher back, or (were it not to) drops events to it.
    await until(
      () => router.stats.heldPublishers > 0 || router.stats.droppedEventsBySession[healthy.id] !== undefined,
      { what: 'the router buffering for the healthy subscriber', timeout: 20_000 },
    );
    expect(router.stats.heldPublishers).toBe(1);
    healthy.reading(true);
    const total = first + second;
    const lostByHealthy = () => router.stats.droppedEventsBySession[healthy.id] ?? 0;
    await until(() => healthy.events.length + lostByHealthy() === total, {
      what: 'every event',
      timeout: 60_000,
    });
    expect(lostByHealthy()).toBe(0);
    expect(healthy.numbers()).toEqual(Array.from({ length: total }, (_, i) => i));
    const stats = router.stats;
    expect(stats.droppedEventsBySession[healthy.id]).toBeUndefined();
    expect(stats.droppedEventsBySession[paused.id]).toBeGreaterThan(first);
    expect(stats.droppedEvents).toBe(stats.droppedEventsBySession[paused.id]);

    // The drop episode was announced once, on the meta topic, naming the session.
    await until(() => monitor.events.length > 0, { what: 'wamp.session.on_drop' });
    const announced = monitor.events.map((m) => (m[4] as Record<string, unknown>[])[0]);
    expect(announced).toEqual([expect.objectContaining({ session: paused.id, dropping: true, dropped: 0 })]);

    // Once it reads again and drains, it gets events again, and the episode's end says how many it lost.
    paused.reading(true);
    await until(
      async () => {
        publish(publisher, total, 1);
        await new Promise((resolve) => setTimeout(resolve, 20));
        return monitor.events.length === 2;
      },
      { what: 'the end of the drop episode', timeout: 20_000 },
    );
    const end = (monitor.events[1][4] as Record<string, unknown>[])[0];
    expect(end).toEqual(
      expect.objectContaining({
        session: paused.id,
        dropping: false,
        dropped: router.stats.droppedEventsBySession[paused.id],
      }),
    );
  }, 120_000);

  it('a publisher is held back no longer than slowConsumerTimeout by a subscriber that never reads', async () => {
    router = await start(300);
    const paused = await join(TOPIC);
    const publisher = await join(TOPIC);
    paused.reading(false);
    // The publisher subscribes too (exclude_me is off): it hears its own events, so the
    // router is reading from it again once they arrive.
    const count = 8000;
    publish(publisher, 0, count, { exclude_me: false });
    await until(() => publisher.events.length === count, {
      what: 'every event to the publisher',
      timeout: 30_000,
    });
    expect(router.stats.heldPublishers).toBe(0);
    expect(router.stats.droppedEventsBySession[paused.id]).toBeGreaterThan(0);
    expect(router.stats.droppedEventsBySession[publisher.id]).toBeUndefined();
  }, 60_000);
});
