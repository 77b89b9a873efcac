import { until } from '../helpers/until';
import { EventDispatcher, Rpc, Service, Subscribe } from '../../src';
import { MessageType } from '../../src/protocol';
import { runServices, type TestSystem } from '../../src/testing';

@Service('announcer')
class Announcer {
  constructor(private readonly events: EventDispatcher) {}

  @Rpc()
  async announce(count: number): Promise<void> {
    for (let i = 0; i < count; i++) await this.events.dispatch('news.published', { n: i });
  }
}

@Service('audit')
class Audit {
  readonly seen: number[] = [];
  @Subscribe('news.published')
  record(item: { n: number }): void {
    this.seen.push(item.n);
  }
}

@Service('mailer')
class Mailer {
  readonly seen: number[] = [];
  @Subscribe('news.published', { delivery: 'pool' })
  send(item: { n: number }): void {
    this.seen.push(item.n);
  }
}

describe('events: broadcast and pool delivery with two instances each', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await runServices([
      Announcer,
      { service: Audit, instances: 2 },
      { service: Mailer, instances: 2 },
    ]);
  });
  afterAll(() => system?.stop());

  it('broadcast: every instance gets every event; pool: each event reaches one instance of the service', async () => {
    const count = 20;
    await system.client.call('announcer.announce', [count]);
    const audits = system.instancesOf('audit').map((c) => c.instance as Audit);
    const mailers = system.instancesOf('mailer').map((c) => c.instance as Mailer);
    const all = Array.from({ length: count }, (_, i) => i);
    await until(
      () => audits.every((a) => a.seen.length === count) && mailers.flatMap((m) => m.seen).length === count,
    );
    for (const audit of audits) expect([...audit.seen].sort((a, b) => a - b)).toEqual(all);
    const pooled = mailers.flatMap((m) => m.seen).sort((a, b) => a - b);
    expect(pooled).toEqual(all);
    // Round robin spreads the pool's work over both instances.
    for (const mailer of mailers) expect(mailer.seen.length).toBeGreaterThan(0);
    // Nothing arrives late: no duplicates after a pause.
    await new Promise((r) => setTimeout(r, 100));
    expect(mailers.flatMap((m) => m.seen)).toHaveLength(count);
  });
});

@Service('archive')
class Archive {
  readonly seen: number[] = [];
  @Subscribe('news.published', { delivery: 'singleton' })
  keep(item: { n: number }): void {
    this.seen.push(item.n);
  }
}

@Service('index')
class SearchIndex {
  readonly seen: number[] = [];
  @Subscribe('news.published', { delivery: 'singleton' })
  add(item: { n: number }): void {
    this.seen.push(item.n);
  }
}

describe("events: 'singleton' delivery, two services with two instances each", () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await runServices([
      Announcer,
      { service: Archive, instances: 2 },
      { service: SearchIndex, instances: 2 },
    ]);
  });
  afterAll(() => system?.stop());

  it('hands each event to one handler in the whole cluster, whichever service', async () => {
    const count = 20;
    await system.client.call('announcer.announce', [count]);
    const handlers = [
      ...system.instancesOf('archive').map((c) => (c.instance as Archive).seen),
      ...system.instancesOf('index').map((c) => (c.instance as SearchIndex).seen),
    ];
    await until(() => handlers.flat().length >= count, { what: 'every event handled' });
    // Each event once: the dispatcher calls the one singleton procedure once per event (a
    // second delivery would be a second call, which these totals would show).
    expect(handlers.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
    // Round robin over the four registrations reaches both services.
    expect(handlers.filter((seen) => seen.length > 0).length).toBeGreaterThan(1);
    expect(system.container('archive').labels).toEqual(['subscribe news.published (singleton)']);
  });
});

describe('pool delivery on a router that denies the registration meta API', () => {
  let system: TestSystem;
  const everything = { call: true, register: true, subscribe: true, publish: true };
  const nothing = { call: false, register: false, subscribe: false, publish: false };
  beforeAll(async () => {
    system = await runServices([Announcer, Audit], {
      embedded: {
        listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0, path: '/ws' }],
        realms: [
          {
            name: 'realm1',
            roles: [
              {
                name: 'anonymous',
                permissions: [
                  { uri: '', match: 'prefix', allow: everything },
                  { uri: 'wamp.registration.', match: 'prefix', allow: nothing },
                ],
              },
            ],
          },
        ],
      },
    });
  });
  afterAll(() => system?.stop());

  it('still dispatches: broadcast handlers get the event, the dispatch succeeds', async () => {
    await system.client.call('announcer.announce', [3]);
    const audit = system.container('audit').instance as Audit;
    await until(() => audit.seen.length === 3);
  });
});

describe('pool directory on a router that lets it subscribe to the meta events but not call the meta API', () => {
  let system: TestSystem;
  beforeAll(async () => {
    const all = { call: true, register: true, subscribe: true, publish: true };
    system = await runServices([Announcer, Audit], {
      embedded: {
        listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0, path: '/ws' }],
        realms: [
          {
            name: 'realm1',
            roles: [
              {
                name: 'anonymous',
                permissions: [
                  { uri: '', match: 'prefix', allow: all },
                  { uri: 'wamp.registration.', match: 'prefix', allow: { ...all, call: false } },
                ],
              },
            ],
          },
        ],
      },
    });
  });
  afterAll(() => system?.stop());

  it('subscribes to the meta events once, however often it retries the listing', async () => {
    const subscribes: string[] = [];
    system.container('announcer').connection.hooks.onOutbound((message) => {
      if (message.type === MessageType.SUBSCRIBE) subscribes.push(message.topic);
    });
    await system.client.call('announcer.announce', [3]);
    const audit = system.container('audit').instance as Audit;
    await until(() => audit.seen.length === 3);
    expect(subscribes.sort()).toEqual(['wamp.registration.on_create', 'wamp.registration.on_delete']);
  });
});
