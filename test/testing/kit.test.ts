import {
  EventDispatcher,
  Inject,
  Rpc,
  RemoteError,
  Service,
  Subscribe,
  Timer,
  rpcProxy,
  type ServiceProxy,
} from '../../src';
import {
  entrypointHook,
  entrypointWaiter,
  runServices,
  waitForRegistrations,
  waitForSubscriptions,
  workerFactory,
  type TestSystem,
} from '../../src/testing';

@Service('stock')
class Stock {
  @Rpc()
  available(sku: string): number {
    return sku === 'apple' ? 5 : 0;
  }
}

@Service('shop')
class Shop {
  readonly restocked: string[] = [];
  beats = 0;

  constructor(
    @Inject(rpcProxy('stock')) private readonly stock: ServiceProxy<Stock>,
    private readonly events: EventDispatcher,
  ) {}

  @Rpc()
  async buy(sku: string, quantity: number): Promise<string> {
    const have = await this.stock.available(sku);
    if (have < quantity) return 'sold out';
    await this.events.dispatch('shop.sold', { sku, quantity });
    return 'ok';
  }

  @Subscribe('stock.restocked')
  onRestock(sku: string): void {
    if (sku === 'bad') throw new Error('cannot restock bad');
    this.restocked.push(sku);
  }

  @Timer(60_000)
  heartbeat(): void {
    this.beats++;
  }
}

describe('workerFactory', () => {
  it('builds the service with replaced dependencies and records dispatched events', async () => {
    const { service, events } = workerFactory(Shop, [[rpcProxy('stock'), { available: async () => 10 }]]);
    expect(await service.buy('pear', 2)).toBe('ok');
    expect(events.payloads('shop.sold')).toEqual([{ sku: 'pear', quantity: 2 }]);
  });

  it('fails loudly when an unreplaced proxy is used', async () => {
    const { service } = workerFactory(Shop);
    await expect(service.buy('pear', 1)).rejects.toThrow(
      "workerFactory: stock.available was called, but rpcProxy('stock') was not replaced",
    );
  });
});

describe('runServices and the nameko helpers', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await runServices([Shop, Stock]);
  });
  afterAll(() => system?.stop());

  it('starts services around a router and connects a client', async () => {
    await waitForRegistrations(system.client, ['shop.buy', 'stock.available']);
    await waitForSubscriptions(system.client, ['stock.restocked']);
    expect(await system.client.call('shop.buy', ['apple', 2])).toBe('ok');
  });

  it('entrypointHook runs an entrypoint through the container, argument checks included', async () => {
    const shop = system.container('shop');
    expect(await entrypointHook(shop, 'buy', ['kiwi', 1])).toBe('sold out');
    await entrypointHook(shop, 'heartbeat');
    expect((shop.instance as Shop).beats).toBe(1);
    await expect(entrypointHook(shop, 'buy', ['kiwi', 'one'])).rejects.toMatchObject({
      uri: 'wamp.error.invalid_argument',
    });
    expect(() => entrypointHook(shop, 'nope')).toThrow('Shop.nope is not an entrypoint');
  });

  it('entrypointWaiter resolves when an event handler finished, with its error if it threw', async () => {
    const shop = system.container('shop');
    const handled = entrypointWaiter(shop, 'onRestock');
    await system.client.publish('stock.restocked', ['apple'], {}, { acknowledge: true });
    expect((await handled).error).toBeUndefined();
    expect((shop.instance as Shop).restocked).toEqual(['apple']);

    const failed = entrypointWaiter(shop, 'onRestock');
    await system.client.publish('stock.restocked', ['bad'], {}, { acknowledge: true });
    expect(((await failed).error as Error).message).toBe('cannot restock bad');
  });

  it('entrypointWaiter times out with a clear message', async () => {
    await expect(entrypointWaiter(system.container('shop'), 'onRestock', { timeout: 30 })).rejects.toThrow(
      'entrypointWaiter: onRestock did not run within 30 ms',
    );
  });

  it('replaces dependencies through runServices', async () => {
    const other = await runServices([Shop], {
      replace: { shop: [[rpcProxy('stock'), { available: async () => 0 }]] },
    });
    try {
      expect(await other.client.call('shop.buy', ['apple', 1])).toBe('sold out');
    } finally {
      await other.stop();
    }
  });

  it('waitForRegistrations says what is still missing', async () => {
    await expect(waitForRegistrations(system.client, ['shop.buy', 'no.such'], 50)).rejects.toThrow(
      'still missing at the router after 50 ms: no.such',
    );
    await expect(system.client.call('no.such')).rejects.toBeInstanceOf(RemoteError);
  });
});
