import { connect, Rpc, Service, Subscribe } from 'wservice';
import { assertStopsRaising } from 'wservice/testing';

// #region wampy
export async function wampyStyle(url: string): Promise<string> {
  await using client = await connect(url); // `with Client() as client:`
  // client.rpc.get_binary_number(number=100)
  const bits = (await client.rpc['calc.binary'].kwargs({ number: 100 })) as string;
  await client.rpc['calc.binary'](5); // positional arguments
  await assertStopsRaising(async () => {
    // assert_stops_raising: retried until it passes (5 s by default)
    expect(await client.call('calc.binary', [2])).toBe('10');
  });
  return bits;
}
// #endregion wampy

// #region nameko
@Service('ledger')
export class LedgerService {
  readonly entries: string[] = [];

  // handler_type=SINGLETON: one handler in the whole cluster gets each event.
  @Subscribe('calc.done', { delivery: 'singleton' })
  record(result: string): void {
    this.entries.push(result);
  }

  // handler_type=SERVICE_POOL: one instance of this service per event.
  @Subscribe('calc.audited', { delivery: 'pool' })
  audit(result: string): void {
    this.entries.push(`audited ${result}`);
  }

  @Rpc()
  count(): number {
    return this.entries.length;
  }
}
// #endregion nameko

@Service('calc')
export class CalcService {
  @Rpc()
  binary(number: number): string {
    return number.toString(2);
  }
}
