import { connect, RemoteError, Rpc, Service, type Client } from '../../src';
import { runServices, type TestSystem } from '../../src/testing';

@Service('ledger')
class Ledger {
  /** Takes exact 64-bit integers. */
  @Rpc()
  next(counter: bigint): bigint {
    return counter + 1n;
  }

  /** Takes Numbers only. */
  @Rpc()
  double(n: number): number {
    return n * 2;
  }
}

/**
 * A uint64 argument to a service, from callers on every serializer: carried exactly to a
 * `bigint` parameter and back, refused with `wamp.error.invalid_argument` by a `number` one
 * (never a serialization crash reported as an application error).
 */
describe('integers beyond 2^53 through a service', () => {
  let system: TestSystem;
  const clients: Client[] = [];

  beforeAll(async () => {
    system = await runServices([Ledger]);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await system?.stop();
  });

  it.each(['json', 'msgpack', 'cbor'])('over %s', async (serializer) => {
    const client = await connect({ url: system.url, realm: system.realm, serializer, reconnect: false });
    clients.push(client);
    expect(await client.call('ledger.next', [2n ** 64n - 2n])).toBe(2n ** 64n - 1n);
    // Small integers arrive as Numbers; a bigint parameter takes them as BigInt.
    expect(await client.call('ledger.next', [41])).toBe(42);
    const refused = client.call('ledger.double', [2n ** 63n]);
    await expect(refused).rejects.toBeInstanceOf(RemoteError);
    await expect(refused).rejects.toMatchObject({ uri: 'wamp.error.invalid_argument' });
    await expect(refused).rejects.toThrow(/n: expected number, got the integer 9223372036854775808/);
  });
});
