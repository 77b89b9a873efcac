import { Rpc, Service } from '../../src';
import { runServices, type TestSystem } from '../../src/testing';

@Service('numbers')
class NumbersService {
  @Rpc('get_binary_number')
  binary(number: number): string {
    return number.toString(2);
  }

  @Rpc()
  scale(value: number, factor: number = 2): number {
    return value * factor;
  }
}

describe('client.rpc: any procedure by name, positional or keyword arguments', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await runServices([NumbersService]);
  });
  afterAll(() => system.stop());

  it('calls with keyword arguments, positional ones, or both', async () => {
    const { rpc } = system.client;
    await expect(rpc['get_binary_number'].kwargs({ number: 100 })).resolves.toBe('1100100');
    await expect(rpc.get_binary_number(5)).resolves.toBe('101');
    await expect(rpc['numbers.scale'](21)).resolves.toBe(42);
    await expect(rpc['numbers.scale'].kwargs({ factor: 10 }, [4])).resolves.toBe(40);
    await expect(rpc['numbers.scale'].kwargs({ value: 3, factor: 3 })).resolves.toBe(9);
  });

  it('fails like call: an unknown procedure, a missing argument', async () => {
    const { rpc } = system.client;
    await expect(rpc['numbers.nothing']()).rejects.toMatchObject({
      uri: 'wamp.error.no_such_procedure',
      procedure: 'numbers.nothing',
    });
    await expect(rpc['numbers.scale'].kwargs({ factor: 2 })).rejects.toMatchObject({
      uri: 'wamp.error.invalid_argument',
    });
  });

  it('is not a thenable, so it can be awaited or returned from async code', async () => {
    const rpc = await Promise.resolve(system.client.rpc);
    expect((rpc as unknown as { then?: unknown }).then).toBeUndefined();
    await expect(rpc.get_binary_number(2)).resolves.toBe('10');
  });
});
