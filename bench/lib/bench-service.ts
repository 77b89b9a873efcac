import { Rpc, Service } from '../../src';

/**
 * The service of the end-to-end scenarios: `bench.echo(text)` returns its argument, so every
 * microsecond measured is the framework's (proxy, router, DI, context, argument check).
 */
@Service('bench')
export class BenchService {
  @Rpc()
  echo(text: string): string {
    return text;
  }
}
