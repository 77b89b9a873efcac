import { Rpc, Service, Subscribe } from 'wservice';
import type { Order } from './orders.service';

/**
 * Sends confirmations. `delivery: 'pool'`: with several instances running, each order is
 * confirmed once, by one of them (nameko's service pool), not once per instance.
 */
@Service('notifications')
export class NotificationsService {
  private readonly outboxItems: string[] = [];

  @Subscribe('orders.placed', { delivery: 'pool' })
  confirm(order: Order): void {
    this.outboxItems.push(
      `Order ${order.id}: ${order.quantity} x ${order.sku}, paid ${order.total} (${order.receipt.reference})`,
    );
  }

  @Rpc()
  outbox(): string[] {
    return [...this.outboxItems];
  }
}
