import { Rpc, Service, Subscribe } from '../../src';
import { ServiceRunner } from '../../src/service/runner';
import { routerShortfalls } from '../../src/service/router-features';
import { runServices, type TestSystem } from '../../src/testing';
import { startTestRouter } from '../../src/testing';
import { InventoryService } from '../../examples/shop/services/inventory.service';
import { NotificationsService } from '../../examples/shop/services/notifications.service';
import { OrdersService, type Order } from '../../examples/shop/services/orders.service';
import { PaymentsService } from '../../examples/shop/services/payments.service';
import { startFox, type FoxRouter } from '../client/fox-router';
import { until } from '../helpers/until';
import { startWelcomeRewriter, withoutDealerFeature } from '../helpers/welcome-rewriter';
import { createLogger } from '../../src/logger';

/**
 * Services on a Basic-Profile router: fox-wamp 0.7.28 announces neither shared_registration
 * nor the registration meta API. Procedures fall back to single registrations and pool
 * handlers to plain subscriptions.
 */
describe('services on fox-wamp (no shared_registration, no registration meta API)', () => {
  let fox: FoxRouter;
  let system: TestSystem | undefined;

  beforeEach(async () => {
    fox = await startFox();
  });
  afterEach(async () => {
    await system?.stop();
    system = undefined;
    await fox.stop();
  });

  it('runs the shop: calls across services, progressive results, errors, events', async () => {
    system = await runServices([OrdersService, PaymentsService, InventoryService, NotificationsService], {
      router: fox.url,
    });
    const order = (await system.client.call('orders.place', ['apple', 3])) as Order;
    expect(order).toMatchObject({ sku: 'apple', quantity: 3, total: 6, receipt: { amount: 6 } });
    const notifications = system.container('notifications').instance as NotificationsService;
    await until(() => notifications.outbox().length === 1, { what: 'the confirmation' });
    expect(notifications.outbox()).toEqual([`Order ${order.id}: 3 x apple, paid 6 (PAY-1)`]);

    const steps: unknown[] = [];
    const final = await system.client
      .proxy<OrdersService>('orders')
      .$with({ onProgress: (step) => steps.push(step) })
      .track(order.id);
    expect(steps).toEqual(['packed', 'shipped', 'out for delivery']);
    expect(final).toBe('delivered');

    // The entrypoint labels say what fell back.
    expect(system.container('orders').labels).toContain('rpc orders.place (single)');
    expect(system.container('notifications').labels).toContain('subscribe orders.placed (pool as broadcast)');
    // And the shortfalls of this router, with their cost.
    const shortfalls = routerShortfalls(system.container('orders').connection);
    expect(shortfalls.map((s) => s.feature)).toEqual(['shared_registration', 'registration_meta_api']);
    expect(shortfalls[0].cost).toMatch(/one instance/);
    expect(shortfalls[1].cost).toMatch(/every instance gets every event/);
  });

  it('says nothing is missing on the embedded router', async () => {
    system = await runServices([PaymentsService]);
    expect(routerShortfalls(system.container('payments').connection)).toEqual([]);
    expect(system.container('payments').labels).toContain('rpc payments.charge');
  });
});

@Service('solo')
class Solo {
  @Rpc()
  ping(): string {
    return 'pong';
  }

  @Subscribe('solo.tick', { delivery: 'pool' })
  tick(): void {}
}

describe('a second instance where the dealer cannot share a procedure', () => {
  it('fails to start with one line naming the procedure and the missing feature', async () => {
    // Our router behind a relay that hides shared_registration stands for a Basic-Profile
    // router that refuses a second registration (fox-wamp silently accepts it).
    const test = await startTestRouter();
    const relay = await startWelcomeRewriter(test.url, withoutDealerFeature('shared_registration'));
    try {
      const first = await ServiceRunner.start({
        services: [Solo],
        router: relay.url,
        logger: createLogger({ level: 'silent' }),
      });
      try {
        const second = ServiceRunner.start({
          services: [Solo],
          router: relay.url,
          logger: createLogger({ level: 'silent' }),
        });
        await expect(second).rejects.toThrow(
          "solo.ping is registered already, and the router's dealer does not announce shared_registration: a second instance of solo cannot share it (stop the other one, or use a router with shared registration)",
        );
      } finally {
        await first.stop();
      }
    } finally {
      await relay.stop();
      await test.stop();
    }
  });
});
