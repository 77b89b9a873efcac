import { until } from '../helpers/until';
import { connect, RemoteError, ServiceRunner, type Client } from '../../src';
import { InventoryService, OrdersService, PaymentsService } from './fixtures/chain';

const embedded = { listeners: [{ type: 'websocket' as const, host: '127.0.0.1', port: 0, path: '/ws' }] };

// directCalls: proxy calls between the services skip the WAMP messages, or go as messages.
describe.each([true, false])('ServiceRunner with the embedded router, directCalls %s', (directCalls) => {
  let runner: ServiceRunner;
  let client: Client;

  beforeAll(async () => {
    runner = await ServiceRunner.start({
      services: [OrdersService, PaymentsService, InventoryService],
      embedded,
      directCalls,
    });
    client = await connect({ url: runner.routerUrl, realm: runner.realm });
  });
  afterAll(async () => {
    await client?.close();
    await runner?.stop();
  });

  it('serves a chain of three services over the router, with one correlation id', async () => {
    const before = runner.router!.directCalls;
    const result = (await client.call('orders.place', ['apple', 2])) as {
      receipt: { paid: number; reservation: { left: number; correlationId: string }; correlationId: string };
      correlationId: string;
    };
    expect(result.receipt.paid).toBe(20);
    expect(result.receipt.reservation.left).toBe(1);
    expect(result.receipt.correlationId).toBe(result.correlationId);
    expect(result.receipt.reservation.correlationId).toBe(result.correlationId);
    // orders -> payments -> inventory: two in-process hops (the client's call came by WebSocket).
    expect(runner.router!.directCalls - before).toBe(directCalls ? 2 : 0);
    expect(runner.router!.stats.callsInFlight).toBe(0);
  });

  it('carries an error URI across two hops intact', async () => {
    const error = await client.call('orders.place', ['apple', 99]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({
      uri: 'inventory.error.out_of_stock',
      kwargs: { sku: 'apple' },
    });
  });

  it('delivers dispatched events and runs timers', async () => {
    const orders = runner.container('orders').instance as OrdersService;
    await client.call('orders.place', ['apple', 1]);
    await until(() => orders.seen.includes('apple'));
    await until(() => orders.ticks >= 2);
  });

  it('lists what each service exposes', () => {
    expect(runner.container('orders').labels).toEqual([
      'rpc orders.place',
      'subscribe orders.placed',
      'timer tick every 20 ms',
    ]);
  });
});
