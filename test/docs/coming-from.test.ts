import { join } from 'node:path';
import { connect, EventDispatcher, Rpc, Service } from '../../src';
import { Router } from '../../src/router';
import { assertStopsRaising, runServices, type TestSystem } from '../../src/testing';
import {
  autobahnStyle,
  CalcService,
  LedgerService,
  LobbyService,
  tlsClient,
  tracedClient,
  wampyStyle,
} from '../../docs/snippets/coming-from';

@Service('calc_events')
class CalcEvents {
  constructor(private readonly events: EventDispatcher) {}

  @Rpc()
  async done(result: string): Promise<void> {
    await this.events.dispatch('calc.done', result);
    await this.events.dispatch('calc.audited', result);
  }
}

describe('docs/coming-from.md samples', () => {
  let system: TestSystem;
  beforeAll(async () => {
    // The first run reads the snippets' contracts with the TypeScript compiler: give it time.
    system = await runServices([
      CalcService,
      CalcEvents,
      { service: LedgerService, instances: 2 },
      LobbyService,
    ]);
  }, 60_000);
  afterAll(() => system?.stop());

  it('wampy: await using, client.rpc with kwargs and positional arguments, assertStopsRaising', async () => {
    expect(await wampyStyle(system.url)).toBe('1100100');
  });

  it('wampy: message hooks see the first HELLO, change a CALL, drop an EVENT', async () => {
    const seen: string[] = [];
    const client = await tracedClient(system.url, seen);
    try {
      expect(seen.slice(0, 2)).toEqual(['-> 1', '<- 2']); // HELLO, WELCOME
      const traces: unknown[] = [];
      await system.client.register('traced.op', (_a, _k, context) => {
        traces.push(context.details._trace_id);
      });
      await client.call('traced.op');
      expect(traces).toEqual(['trace-1']);
      const events: unknown[] = [];
      await client.subscribe('traced.feed', ([x]) => {
        events.push(x);
      });
      await system.client.publish('traced.feed', ['noise'], {}, { acknowledge: true });
      await system.client.publish('traced.feed', ['signal'], {}, { acknowledge: true });
      await assertStopsRaising(() => expect(events).toEqual(['signal']));
    } finally {
      await client.close();
    }
  });

  it('wampy: client TLS from file paths', async () => {
    const certs = join(__dirname, '..', 'fixtures', 'tls');
    const tls = { cert: `${certs}/server.crt`, key: `${certs}/server.key`, ca: `${certs}/ca.crt` };
    const router = await Router.start({
      listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0, tls: { ...tls, requestCert: true } }],
    });
    try {
      const client = await tlsClient(router.listeners[0].url, certs);
      expect(client.session?.isOpen).toBe(true);
      await client.close();
    } finally {
      await router.stop();
    }
  });

  it('autobahn: callbacks from the first join, a URL list with failover, leave and join', async () => {
    const log: string[] = [];
    await autobahnStyle(['ws://127.0.0.1:1/ws', system.url], log);
    expect(log).toEqual([
      'joined realm1',
      'left wamp.close.normal',
      'joined realm1',
      'left wamp.close.normal',
      'disconnected, retry: false',
    ]);
  });

  it('autobahn: the URL list passes over a router that refuses the join (no realm1 there)', async () => {
    const refusing = await Router.start({
      listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0 }],
      realms: [{ name: 'elsewhere' }],
    });
    try {
      const log: string[] = [];
      await autobahnStyle([refusing.listeners[0].url, system.url], log);
      expect(log[0]).toBe('joined realm1');
      expect(refusing.stats.sessions).toBe(0);
    } finally {
      await refusing.stop();
    }
  });

  it('serverwamp: session events from meta topics, an event to one session by eligible', async () => {
    const lobby = system.instancesOf('lobby')[0].instance as LobbyService;
    const [alice, bob] = [await connect(system.url), await connect(system.url)];
    try {
      const heard: Record<string, unknown[]> = { alice: [], bob: [] };
      await alice.subscribe('lobby.whispered', ([text]) => void heard.alice.push(text));
      await bob.subscribe('lobby.whispered', ([text]) => void heard.bob.push(text));
      await assertStopsRaising(() => expect(lobby.present).toContain(bob.session!.id));
      await alice.call('lobby.whisper', ['psst']);
      await bob.call('lobby.whisper', ['hello bob']);
      await assertStopsRaising(() => expect(heard).toEqual({ alice: ['psst'], bob: ['hello bob'] }));
      const gone = bob.session!.id;
      await bob.close();
      await assertStopsRaising(() => expect(lobby.present).not.toContain(gone));
    } finally {
      await alice.close();
      await bob.close();
    }
  });

  it('nameko: singleton and pool delivery, one handler each per event', async () => {
    await system.client.call('calc_events.done', ['101']);
    const ledgers = system.instancesOf('ledger').map((c) => c.instance as LedgerService);
    await assertStopsRaising(() =>
      expect(ledgers.flatMap((l) => l.entries).sort()).toEqual(['101', 'audited 101']),
    );
  });
});
