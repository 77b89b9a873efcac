import { Rpc, Service } from '../../src';

/** One order line of `bench.place`. */
export interface BenchLine {
  sku: string;
  qty: number;
}

/** The nested argument of `bench.place`: its contract checks every line. */
export interface BenchOrder {
  id: string;
  items: BenchLine[];
  note?: string;
}

/**
 * The service of the end-to-end scenarios: `bench.echo(text)` returns its argument, so every
 * microsecond measured is the framework's (proxy, router, DI, context, argument check);
 * `bench.place(order)` takes a nested object, so its row shows what checking one costs.
 * `npm run bench` writes its contract file first (`wservice build` on tsconfig.bench.json),
 * as a compiled deployment has it.
 */
@Service('bench')
export class BenchService {
  @Rpc()
  echo(text: string): string {
    return text;
  }

  @Rpc()
  place(order: BenchOrder): number {
    return order.items.length;
  }
}
