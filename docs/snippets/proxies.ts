import { EventDispatcher, Inject, Rpc, Service, Subscribe, rpcProxy, type ServiceProxy } from 'wservice';
import type { CatalogService } from './entrypoints';

// #region proxy
@Service('storefront')
export class StorefrontService {
  constructor(
    // By name, with a type-only import of the class: methods are called at catalog.<method>.
    @Inject(rpcProxy('catalog')) private readonly catalog: ServiceProxy<CatalogService>,
    private readonly events: EventDispatcher,
  ) {}

  @Rpc()
  async quote(sku: string): Promise<number | null> {
    return this.catalog.price(sku); // typed: (sku: string) => Promise<number | null>
  }

  @Rpc()
  async reindex(): Promise<string[]> {
    const steps: string[] = [];
    // Per-call options: a deadline, progressive results, cancellation (signal).
    await this.catalog.$with({ timeout: 5000, onProgress: (step) => steps.push(String(step)) }).reindex(3);
    return steps;
  }

  @Rpc()
  async changePrice(sku: string, price: number): Promise<void> {
    await this.events.dispatch('catalog.price_changed', { sku, price });
  }
}
// #endregion proxy

// #region pool
@Service('emails')
export class EmailsService {
  readonly sent: string[] = [];

  /** One instance of the emails service handles each event, however many run. */
  @Subscribe('catalog.price_changed', { delivery: 'pool' })
  notifyWatchers(change: { sku: string; price: number }): void {
    this.sent.push(`${change.sku} now costs ${change.price}`);
  }
}
// #endregion pool
