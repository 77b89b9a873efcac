import { EventDispatcher, Rpc, Service } from '../../src';
import { assertStopsRaising, runServices, type TestSystem } from '../../src/testing';
import { CalcService, LedgerService, wampyStyle } from '../../docs/snippets/coming-from';

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
    system = await runServices([CalcService, CalcEvents, { service: LedgerService, instances: 2 }]);
  }, 60_000);
  afterAll(() => system?.stop());

  it('wampy: await using, client.rpc with kwargs and positional arguments, assertStopsRaising', async () => {
    expect(await wampyStyle(system.url)).toBe('1100100');
  });

  it('nameko: singleton and pool delivery, one handler each per event', async () => {
    await system.client.call('calc_events.done', ['101']);
    const ledgers = system.instancesOf('ledger').map((c) => c.instance as LedgerService);
    await assertStopsRaising(() =>
      expect(ledgers.flatMap((l) => l.entries).sort()).toEqual(['101', 'audited 101']),
    );
  });
});
