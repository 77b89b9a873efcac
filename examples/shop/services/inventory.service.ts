import { Rpc, Service, Subscribe, Timer } from 'wservice';
import { OutOfStock } from './errors';

/** Stock levels, reservations and a nightly-style restock (every few seconds here). */
@Service('inventory')
export class InventoryService {
  private readonly stock = new Map<string, number>([
    ['apple', 10],
    ['pear', 4],
    ['fig', 0],
  ]);

  @Rpc()
  available(sku: string): number {
    return this.stock.get(sku) ?? 0;
  }

  @Rpc()
  reserve(sku: string, quantity: number): { sku: string; left: number } {
    const have = this.available(sku);
    if (quantity > have) throw new OutOfStock(sku, have);
    this.stock.set(sku, have - quantity);
    return { sku, left: have - quantity };
  }

  @Subscribe('orders.cancelled')
  release(order: { sku: string; quantity: number }): void {
    this.stock.set(order.sku, this.available(order.sku) + order.quantity);
  }

  @Timer(5000)
  restock(): void {
    for (const [sku, count] of this.stock) if (count < 2) this.stock.set(sku, count + 5);
  }
}
