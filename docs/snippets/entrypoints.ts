import { currentContext, Rpc, Service, Subscribe, Timer, type OnStart, type OnStop } from 'wservice';

// #region rpc
@Service('catalog', { maxConcurrency: 20 })
export class CatalogService implements OnStart, OnStop {
  private items = new Map<string, number>();

  async onStart(): Promise<void> {
    // After joining the router, before any entrypoint is live: load state, warm caches.
    this.items.set('apple', 2);
  }

  async onStop(): Promise<void> {
    // After in-flight calls finished: flush, close files.
  }

  @Rpc() // catalog.price
  price(sku: string): number | null {
    return this.items.get(sku) ?? null;
  }

  @Rpc('catalog.v2.price', { timeout: 2000 }) // a URI of your choosing, and a deadline
  async priceV2(sku: string, currency: string = 'EUR'): Promise<{ amount: number | null; currency: string }> {
    return { amount: this.price(sku), currency };
  }

  @Rpc()
  total(...prices: number[]): number {
    return prices.reduce((sum, p) => sum + p, 0); // rest parameters take the remaining args
  }

  @Rpc()
  checksum(data: Buffer): number {
    return data.reduce((sum, byte) => (sum + byte) % 256, 0); // bytes travel as bytes
  }
  // #endregion rpc

  // #region progress
  /** Each yielded value is a progressive result; the returned value ends the call. */
  @Rpc()
  async *reindex(batches: number): AsyncGenerator<string, number> {
    for (let i = 1; i <= batches; i++) {
      if (currentContext()?.signal.aborted) break; // the caller canceled
      yield `batch ${i} of ${batches}`;
    }
    return batches;
  }
  // #endregion progress

  // #region subscribe
  @Subscribe('catalog.price_changed') // every instance of the service gets every event
  onPriceChanged(change: { sku: string; price: number }): void {
    this.items.set(change.sku, change.price);
  }

  @Subscribe('catalog.', { match: 'prefix' }) // any topic starting with "catalog."
  audit(): void {
    const context = currentContext()!;
    console.log(`event on ${context.uri} from session ${context.caller ?? 'undisclosed'}`);
  }
  // #endregion subscribe

  // #region timer
  @Timer(60_000, { eager: true }) // every minute, and once at start
  async refresh(): Promise<void> {
    this.items.set('pear', 3);
  }
  // #endregion timer
}
