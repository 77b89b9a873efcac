import { runServices, type TestSystem } from '../../src/testing';
import { InventoryService } from '../../examples/shop/services/inventory.service';
import { OrdersService } from '../../examples/shop/services/orders.service';
import { PaymentsService } from '../../examples/shop/services/payments.service';
import { GreeterService } from '../../examples/tour/greeter.service';
import { assertBuilt, killStarted, runCli } from './helpers/cli';

/**
 * The shell sessions: `wservice call orders.place` with missing or wrong arguments
 * answered `inventory.error.out_of_stock: only 0 of undefined left`, `greeter.hello` a
 * TypeError's message. Now the contract refuses them before the method runs, in one line
 * that names the parameter, and the exit code is 1.
 */

let system: TestSystem;
beforeAll(async () => {
  assertBuilt();
  system = await runServices([OrdersService, InventoryService, PaymentsService, GreeterService]);
});
afterAll(() => system?.stop());
afterEach(killStarted);

const call = (...args: string[]) =>
  runCli(['call', ...args, '--router', system.url, '--realm', system.realm]);

const refused = (message: string) => ({
  code: 1,
  stdout: '',
  stderr: `error: wamp.error.invalid_argument: ${message}\n`,
});

describe('wservice call with bad or missing arguments', () => {
  it('a missing required argument', async () => {
    expect(await call('orders.place')).toEqual(refused("place() missing required argument 'sku'"));
    expect(await call('greeter.hello')).toEqual(refused("hello() missing required argument 'name'"));
  });

  it('a wrong type, as the command line parsed it', async () => {
    expect(await call('orders.place', 'apple', 'two')).toEqual(
      refused('place() quantity: expected number, got string "two"'),
    );
    // 42 parses as JSON: a number, where a string is expected ('"42"' sends the string).
    expect(await call('orders.place', '42')).toEqual(refused('place() sku: expected string, got number 42'));
    expect(await call('orders.place', 'apple', '1', '2')).toEqual(
      refused('place() takes 2 positional arguments but 3 were given'),
    );
  });

  it('an unknown keyword argument; --json gives the path and the expectation', async () => {
    expect(await call('orders.place', '--kwargs', '{"sku": "apple", "qty": 2}')).toEqual(
      refused("place() got an unexpected keyword argument 'qty'"),
    );
    const json = await call('orders.place', 'apple', '"2"', '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      error: 'wamp.error.invalid_argument',
      args: ['place() quantity: expected number, got string "2"'],
      kwargs: {
        method: 'place',
        parameter: 'quantity',
        path: 'quantity',
        expected: 'expected number',
        got: 'string "2"',
      },
    });
  });

  it('good arguments still reach the method', async () => {
    const placed = await call('orders.place', 'apple', '2');
    expect(placed.code).toBe(0);
    expect(JSON.parse(placed.stdout)).toMatchObject({ sku: 'apple', quantity: 2, total: 4 });
    expect(await call('greeter.hello', 'Ada')).toEqual({ code: 0, stdout: 'Hello Ada!\n', stderr: '' });
  });
});
