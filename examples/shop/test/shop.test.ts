import { rpcProxy } from 'wservice';
import { entrypointWaiter, runServices, workerFactory, type TestSystem } from 'wservice/testing';
import { OutOfStock } from '../services/errors';
import { InventoryService } from '../services/inventory.service';
import { NotificationsService } from '../services/notifications.service';
import { OrdersService, type Order } from '../services/orders.service';
import { PaymentsService } from '../services/payments.service';

// #region system
describe('the shop', () => {
  let system: TestSystem;
  beforeEach(async () => {
    system = await runServices([
      OrdersService,
      PaymentsService,
      InventoryService,
      { service: NotificationsService, instances: 2 },
    ]);
  });
  afterEach(() => system.stop());

  it('places an order across three services and confirms it once', async () => {
    const confirmed = entrypointWaiter(system.instancesOf('notifications'), 'confirm');
    const order = (await system.client.call('orders.place', ['apple', 3])) as Order;
    expect(order).toMatchObject({ sku: 'apple', quantity: 3, total: 6, receipt: { amount: 6 } });
    await confirmed;
    const outboxes = await Promise.all(
      system.instancesOf('notifications').map((c) => (c.instance as NotificationsService).outbox()),
    );
    expect(outboxes.flat()).toEqual([`Order ${order.id}: 3 x apple, paid 6 (PAY-1)`]);
    expect(await system.client.call('inventory.available', ['apple'])).toBe(7);
  });

  it('passes the inventory error through orders with its URI, as its registered class', async () => {
    const error = await system.client.call('orders.place', ['fig', 1]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutOfStock);
    expect(error).toMatchObject({
      uri: 'inventory.error.out_of_stock',
      kwargs: { sku: 'fig', available: 0 },
    });
  });

  it('declines a large payment and releases the reserved stock', async () => {
    const released = entrypointWaiter(system.container('inventory'), 'release');
    const error = await system.client.call('orders.place', ['apple', 10]).catch((e: unknown) => e);
    expect(error).toMatchObject({ uri: 'payments.error.declined', kwargs: { amount: 20 } });
    await released;
    expect(await system.client.call('inventory.available', ['apple'])).toBe(10);
  });

  it('streams tracking steps as progressive results', async () => {
    const order = (await system.client.call('orders.place', ['pear', 1])) as Order;
    const steps: unknown[] = [];
    const final = await system.client
      .proxy<OrdersService>('orders')
      .$with({ onProgress: (step) => steps.push(step) })
      .track(order.id);
    expect(steps).toEqual(['packed', 'shipped', 'out for delivery']);
    expect(final).toBe('delivered');
  });
});

// #endregion system

// #region worker-factory
describe('OrdersService alone (workerFactory, no network)', () => {
  it('dispatches orders.placed after reserving and charging', async () => {
    const { service, events } = workerFactory(OrdersService, [
      [rpcProxy('inventory'), { reserve: async () => ({ sku: 'apple', left: 1 }) }],
      [
        rpcProxy('payments'),
        { charge: async (orderId: string, amount: number) => ({ orderId, amount, reference: 'T-1' }) },
      ],
    ]);
    const order = await service.place('apple', 2);
    expect(order.total).toBe(4);
    expect(events.payloads('orders.placed')).toEqual([order]);
  });
});
// #endregion worker-factory
