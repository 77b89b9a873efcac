import { currentContext, EventDispatcher, Rpc, Service, Subscribe } from '../../src';
import { MessageType as M, serializerByName, type Dict } from '../../src/protocol';
import { runServices, type TestSystem } from '../../src/testing';
import { connectWebSocket } from '../../src/transport';
import { ALL_CLIENT_ROLES, ScriptedPeer } from '../router/helpers/peer';
import { until } from '../helpers/until';

@Service('orders')
class Orders {
  constructor(private readonly events: EventDispatcher) {}

  @Rpc()
  place(item: string): string {
    return `placed ${item}`;
  }

  @Rpc('shop.checkout')
  checkout(): string {
    return 'checked out';
  }

  @Rpc('catalog..get', { match: 'wildcard' })
  catalog(): string {
    return `catalog of ${currentContext()!.uri}`;
  }

  @Rpc()
  async announce(): Promise<void> {
    await this.events.dispatch('orders.placed', { id: 1 });
  }
}

@Service('mailer')
class Mailer {
  readonly seen: unknown[] = [];

  @Subscribe('orders.placed', { delivery: 'pool' })
  send(order: unknown): void {
    this.seen.push(order);
  }
}

/**
 * The issue's attacker: a raw WebSocket client of `wservice run`'s embedded router (no
 * Origin, as any local process; or a page of localhost), joined anonymously.
 */
async function attacker(url: string, origin?: string): Promise<ScriptedPeer> {
  const transport = await connectWebSocket(url, {
    serializers: [serializerByName('json')!],
    headers: origin === undefined ? undefined : { Origin: origin },
  });
  return new ScriptedPeer(transport).hello('realm1', { roles: ALL_CLIENT_ROLES });
}

/** Sends a request and returns the router's answer to it. */
async function ask(peer: ScriptedPeer, message: (request: number) => unknown[]): Promise<unknown[]> {
  const request = peer.request();
  peer.send(message(request));
  for (;;) {
    const reply = await peer.next();
    if (reply[1] === request || (reply[0] === M.ERROR && reply[2] === request)) return reply;
  }
}

describe("running services own their URIs; anonymous clients get the default rules (wservice run's embedded router)", () => {
  let system: TestSystem;

  beforeEach(async () => {
    system = await runServices([{ service: Orders, instances: 2 }, Mailer]);
  });

  afterEach(() => system?.stop());

  it.each([
    ['orders.place', { invoke: 'roundrobin' }],
    ['orders.place', { invoke: 'single' }],
    ['orders.place', { invoke: 'last' }],
    ['orders.', { match: 'prefix', invoke: 'roundrobin' }],
    ['o', { match: 'prefix' }],
    ['.place', { match: 'wildcard' }],
    ['shop.checkout', { invoke: 'roundrobin' }],
    ['shop.', { match: 'wildcard' }],
    ['wservice.pool.orders.placed.mailer', { invoke: 'roundrobin' }],
    ['wservice.pool.', { match: 'prefix' }],
    ['catalog.books.get', { invoke: 'roundrobin' }],
    ['catalog.books.get', {}],
    ['catalog.', { match: 'prefix' }],
    ['.books.get', { match: 'wildcard' }],
    ['catalog..get', { match: 'wildcard', invoke: 'roundrobin' }],
  ])('refuses REGISTER %s %j with not_authorized, and the service keeps every call', async (uri, options) => {
    for (const origin of [undefined, 'http://localhost:3000']) {
      const mallory = await attacker(system.url, origin);
      const reply = await ask(mallory, (r) => [M.REGISTER, r, options, uri]);
      expect(reply.slice(0, 5)).toEqual([M.ERROR, M.REGISTER, reply[2], {}, 'wamp.error.not_authorized']);
      mallory.transport.close();
    }
    for (let i = 0; i < 4; i++)
      expect(await system.client.call('orders.place', [`#${i}`])).toBe(`placed #${i}`);
    expect(await system.client.call('shop.checkout')).toBe('checked out');
    expect(await system.client.call('catalog.books.get')).toBe('catalog of catalog.books.get');
  });

  it('lets pool events reach the service, not a client', async () => {
    const mallory = await attacker(system.url);
    const reply = await ask(mallory, (r) => [M.REGISTER, r, { match: 'wildcard' }, 'wservice.pool...mailer']);
    expect(reply[4]).toBe('wamp.error.not_authorized');
    await system.client.call('orders.announce');
    const mailer = system.container('mailer').instance as Mailer;
    await until(() => mailer.seen.length === 1);
  });

  it.each([
    ['wamp.session.list', []],
    ['wamp.session.get', [1]],
    ['wamp.session.kill_all', []],
    ['wamp.session.kill_by_authrole', ['anonymous']],
    ['wamp.session.kill_by_authid', ['orders']],
  ])('refuses %s to an anonymous client, and every service stays', async (procedure, args) => {
    const mallory = await attacker(system.url);
    const reply = await ask(mallory, (r) => [M.CALL, r, {}, procedure, args]);
    expect(reply.slice(0, 5)).toEqual([M.ERROR, M.CALL, reply[2], {}, 'wamp.error.not_authorized']);
    expect(await system.client.call('orders.place', ['still'])).toBe('placed still');
    expect(system.instancesOf('orders').every((c) => c.state === 'running')).toBe(true);
  });

  it('lets an anonymous client call, subscribe and publish application URIs, and count sessions', async () => {
    const mallory = await attacker(system.url);
    expect(await mallory.callForResult('orders.place', ['by hand'])).toEqual(['placed by hand']);
    await mallory.subscribe('orders.placed');
    await system.client.call('orders.announce');
    expect((await mallory.expect(M.EVENT))[4]).toEqual([{ id: 1 }]);
    expect(await mallory.callForResult('wamp.session.count')).toEqual([expect.any(Number)]);
  });

  it('gives wildcard and prefix subscriptions no session meta events (authids)', async () => {
    const mallory = await attacker(system.url);
    for (const [topic, match] of [
      ['.', 'wildcard'],
      ['..', 'wildcard'],
      ['w', 'prefix'],
      ['o', 'prefix'],
    ])
      expect((await ask(mallory, (r) => [M.SUBSCRIBE, r, { match }, topic]))[0]).toBe(M.SUBSCRIBED);
    const denied = await ask(mallory, (r) => [M.SUBSCRIBE, r, {}, 'wamp.session.on_join']);
    expect(denied[4]).toBe('wamp.error.not_authorized');
    // Sessions come and go (their meta events carry authids), then the application publishes.
    const other = await attacker(system.url);
    await other.leave();
    await system.client.call('orders.announce');
    const topics: string[] = [];
    while (!topics.includes('orders.placed')) {
      const message = await mallory.next();
      if (message[0] === M.EVENT) topics.push((message[3] as Dict).topic as string);
    }
    expect(topics.filter((t) => t.startsWith('wamp.session.'))).toEqual([]);
  });
});
