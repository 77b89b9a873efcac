import { connect, RemoteError, Rpc, Service, Subscribe, type Client } from '../../src';
import { readServiceDefinition } from '../../src/service/metadata';
import { runServices, type TestSystem } from '../../src/testing';
import { callFromPython } from '../helpers/autobahn-python';
import { until } from '../helpers/until';

/** The failures: arguments refused whatever the caller, with the path and the expectation. */

interface OrderItem {
  sku: string;
  qty: number;
}

interface Order {
  id: string;
  items: OrderItem[];
  note?: string;
}

@Service('calc')
class Calc {
  @Rpc()
  add(a: number, b: number): number {
    return a + b;
  }
}

@Service('greeter')
class Greeter {
  @Rpc()
  hello(name: string): string {
    return `Hello ${name.trim()}`;
  }
}

@Service('orders')
class Orders {
  @Rpc()
  place(order: Order): number {
    return order.items.reduce((n, item) => n + item.qty, 0);
  }

  @Rpc()
  create({ name, qty = 1 }: { name: string; qty?: number }): string {
    return `${qty} x ${name}`;
  }

  @Rpc()
  pick(size: 'small' | 'large' | number, when?: Date): string {
    return `${String(size)} ${when instanceof Date ? when.toISOString() : 'now'}`;
  }
}

@Service('counter', { coerce: true })
class Counter {
  @Rpc()
  countTo(n: number, loud: boolean): string {
    return `${Array.from({ length: n }, (_, i) => i + 1).join(',')}${loud ? '!' : ''}`;
  }

  @Rpc('counter.strict', { coerce: false })
  strict(n: number): number {
    return n;
  }
}

const received: unknown[] = [];

@Service('audit')
class Audit {
  @Subscribe('orders.placed')
  placed(order: Order): void {
    received.push(order);
  }
}

let system: TestSystem;
let client: Client;

beforeAll(async () => {
  system = await runServices([Calc, Greeter, Orders, Counter, Audit]);
  client = await connect({ url: system.url, realm: system.realm, reconnect: false });
});
afterAll(async () => {
  await client?.close();
  await system?.stop();
});

async function refusal(procedure: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}) {
  try {
    await client.call(procedure, args, kwargs);
  } catch (err) {
    expect(err).toBeInstanceOf(RemoteError);
    const remote = err as RemoteError;
    expect(remote.uri).toBe('wamp.error.invalid_argument');
    return { message: remote.args[0], kwargs: remote.kwargs };
  }
  throw new Error(`${procedure} was not refused`);
}

describe('contracts read from the TypeScript source', () => {
  it('come from the compiler, not from decorator metadata', () => {
    const contract = readServiceDefinition(Orders).contract;
    expect(contract.source).toBe('typescript');
    expect(contract.file).toBe(__filename);
    expect(contract.warnings).toEqual([]);
  });
});

describe('a missing required argument is refused', () => {
  it('from our client', async () => {
    expect(await refusal('calc.add', [2])).toEqual({
      message: "add() missing required argument 'b'",
      kwargs: { method: 'add', parameter: 'b', path: 'b', expected: 'required' },
    });
    expect((await refusal('greeter.hello')).message).toBe("hello() missing required argument 'name'");
    expect((await refusal('orders.place')).message).toBe("place() missing required argument 'order'");
  });

  it('from autobahn-python, by keyword', async () => {
    const [result] = await callFromPython(system.url, system.realm, [
      { procedure: 'calc.add', kwargs: { a: 2 } },
    ]);
    expect(result).toEqual({
      error: 'wamp.error.invalid_argument',
      args: ["add() missing required argument 'b'"],
      kwargs: { method: 'add', parameter: 'b', path: 'b', expected: 'required' },
    });
  });
});

describe('objects, interfaces, unions and optional parameters are checked at any depth', () => {
  const order = {
    id: 'o1',
    items: [
      { sku: 'a', qty: 1 },
      { sku: 'b', qty: 2 },
      { sku: 'c', qty: '5' },
    ],
  };

  it('names the path and the expectation', async () => {
    expect(await refusal('orders.place', [order])).toEqual({
      message: 'place() order.items[2].qty: expected number, got string "5"',
      kwargs: {
        method: 'place',
        parameter: 'order',
        path: 'order.items[2].qty',
        expected: 'expected number',
        got: 'string "5"',
      },
    });
    expect((await refusal('orders.place', [{ id: 'o1', items: [{ sku: 'a' }] }])).message).toBe(
      'place() order.items[0].qty: missing (required)',
    );
    // Other properties pass, as in TypeScript's structural typing.
    expect(await client.call('orders.place', [{ id: 'o1', items: [], colour: 'red' }])).toBe(0);
    expect((await refusal('orders.place', [{ id: 'o1', items: [], note: 7 }])).message).toBe(
      'place() order.note: expected string, got number 7',
    );
    expect(await client.call('orders.place', [{ ...order, items: order.items.slice(0, 2) }])).toBe(3);
  });

  it('checks unions and optional parameters', async () => {
    expect((await refusal('orders.pick', [true])).message).toBe(
      'pick() size: expected "small" | "large" | number, got boolean true',
    );
    expect(await client.call('orders.pick', ['small'])).toBe('small now');
    expect(await client.call('orders.pick', [3, '2026-01-02T03:04:05Z'])).toBe('3 2026-01-02T03:04:05.000Z');
    expect((await refusal('orders.pick', ['large', 'tomorrow'])).message).toBe(
      'pick() when: expected an ISO 8601 date-time string, got string "tomorrow"',
    );
  });

  it('takes the properties of a destructured parameter by keyword, or the object by position', async () => {
    expect(await client.call('orders.create', [], { name: 'tea', qty: 2 })).toBe('2 x tea');
    expect(await client.call('orders.create', [{ name: 'tea' }])).toBe('1 x tea');
    expect((await refusal('orders.create', [], { qty: 2 })).message).toBe(
      "create() missing required argument 'name'",
    );
    expect((await refusal('orders.create', [], { name: 'tea', qty: 'two' })).message).toBe(
      'create() qty: expected number, got string "two"',
    );
    const [python] = await callFromPython(system.url, system.realm, [
      { procedure: 'orders.create', kwargs: { name: 'tea', qty: 3 } },
    ]);
    expect(python).toEqual({ ok: '3 x tea' });
  });

  it('refuses an event whose payload breaks the contract; delivers one that keeps it', async () => {
    await client.publish('orders.placed', [{ id: 'bad', items: 'none' }], {}, { acknowledge: true });
    await client.publish('orders.placed', [{ id: 'good', items: [] }], {}, { acknowledge: true });
    await until(() => received.length > 0);
    expect(received).toEqual([{ id: 'good', items: [] }]);
  });
});

describe('conversion is an option', () => {
  it('is off by default: a string is not a number', async () => {
    expect((await refusal('calc.add', ['1', 2])).message).toBe('add() a: expected number, got string "1"');
    expect((await refusal('counter.strict', ['5'])).message).toBe(
      'strict() n: expected number, got string "5"',
    );
  });

  it('with coerce: true converts strings to numbers and booleans, as serverwamp does', async () => {
    expect(await client.call('counter.countTo', ['5', 'true'])).toBe('1,2,3,4,5!');
    expect((await refusal('counter.countTo', ['five', true])).message).toBe(
      'countTo() n: expected number, got string "five"',
    );
  });
});
