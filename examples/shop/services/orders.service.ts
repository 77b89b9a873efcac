import { EventDispatcher, Inject, Rpc, Service, rpcProxy, type ServiceProxy } from 'wservice';
import type { InventoryService } from './inventory.service';
import type { PaymentsService, Receipt } from './payments.service';

export interface Order {
  id: string;
  sku: string;
  quantity: number;
  total: number;
  receipt: Receipt;
}

const PRICES: Record<string, number> = { apple: 2, pear: 3, fig: 5 };

/** Places orders: reserves stock, charges the payment, announces the order. */
@Service('orders')
export class OrdersService {
  private readonly orders = new Map<string, Order>();
  private next = 1;

  constructor(
    @Inject(rpcProxy('inventory')) private readonly inventory: ServiceProxy<InventoryService>,
    @Inject(rpcProxy('payments')) private readonly payments: ServiceProxy<PaymentsService>,
    private readonly events: EventDispatcher,
  ) {}

  @Rpc()
  async place(sku: string, quantity: number = 1): Promise<Order> {
    const id = `order-${this.next++}`;
    const total = (PRICES[sku] ?? 1) * quantity;
    await this.inventory.reserve(sku, quantity); // may fail: inventory.error.out_of_stock
    let receipt: Receipt;
    try {
      receipt = await this.payments.charge(id, total); // may fail: payments.error.declined
    } catch (err) {
      await this.events.dispatch('orders.cancelled', { id, sku, quantity });
      throw err; // the caller gets the payment error, URI intact
    }
    const order = { id, sku, quantity, total, receipt };
    this.orders.set(id, order);
    await this.events.dispatch('orders.placed', order);
    return order;
  }

  @Rpc()
  get(id: string): Order | null {
    return this.orders.get(id) ?? null;
  }

  /** Progressive results: each step reaches callers that asked for progress; the return value ends the call. */
  @Rpc()
  async *track(id: string): AsyncGenerator<string, string> {
    if (!this.orders.has(id)) return 'unknown';
    for (const step of ['packed', 'shipped', 'out for delivery']) {
      yield step;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return 'delivered';
  }
}
