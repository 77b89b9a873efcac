import { narrowIntegers, widenInteger, widenIntegers } from '../../../src/protocol/serializers/int64';

describe('widenInteger', () => {
  it.each([
    [2 ** 32, 2n ** 32n],
    [2 ** 53, 2n ** 53n],
    [-(2 ** 53), -(2n ** 53n)],
    [-(2 ** 31) - 1, -(2n ** 31n) - 1n],
  ])('widens %d, beyond 32 bits, to BigInt', (n, big) => {
    expect(widenInteger(n)).toBe(big);
  });

  it.each([0, 1, -1, 2 ** 32 - 1, -(2 ** 31), 1.5, 2 ** 32 + 0.5, 2 ** 60, -(2 ** 60), NaN, Infinity])(
    'leaves %p alone (32-bit, fractional, beyond 2^53 or not finite)',
    (value) => {
      expect(widenInteger(value)).toBe(value);
    },
  );
});

describe('widenIntegers', () => {
  it('leaves strings, booleans, null and BigInt alone', () => {
    const values = ['x', true, null, 2n ** 60n];
    expect(widenIntegers(values)).toBe(values);
  });

  it('returns the very same message when nothing needs widening', () => {
    const message = [48, 1, { timeout: 10 }, 'p', [1, 'a', [2.5, null], Buffer.from('x')], { k: { n: -3 } }];
    expect(widenIntegers(message)).toBe(message);
  });

  it('copies only the path to a changed leaf and never mutates the input', () => {
    const untouched = { a: [1, 2] };
    const changed = { id: 2 ** 40, label: 'x' };
    const message = [36, 1, 2, untouched, [changed]];
    const out = widenIntegers(message) as unknown[];
    expect(out).not.toBe(message);
    expect(out[3]).toBe(untouched);
    expect(out[4]).toEqual([{ id: 2n ** 40n, label: 'x' }]);
    expect(message).toEqual([36, 1, 2, { a: [1, 2] }, [{ id: 2 ** 40, label: 'x' }]]);
  });

  it('widens inside instances of ordinary classes, writing them as plain objects', () => {
    class Order {
      constructor(readonly id: number) {}
    }
    const order = new Order(2 ** 40);
    expect(widenIntegers([order])).toEqual([{ id: 2n ** 40n }]);
    expect(order.id).toBe(2 ** 40);
  });

  it('leaves binary, dates, maps and class instances with toJSON to the library', () => {
    class Money {
      constructor(readonly cents: number) {}
      toJSON(): string {
        return `${this.cents}`;
      }
    }
    const values = [Buffer.from([1]), new Date(0), new Map([['a', 2 ** 40]]), new Money(2 ** 40)];
    const out = widenIntegers(values) as unknown[];
    expect(out).toBe(values);
  });

  it('turns undefined into null only when asked (CBOR)', () => {
    const message = [1, undefined, { a: undefined }];
    expect(widenIntegers(message)).toBe(message);
    expect(widenIntegers(message, true)).toEqual([1, null, { a: null }]);
    expect(message).toEqual([1, undefined, { a: undefined }]);
  });

  it('ends a cycle with a RangeError, which the serializers report', () => {
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expect(() => widenIntegers(cycle)).toThrow(RangeError);
  });
});

describe('narrowIntegers', () => {
  it('turns BigInts within 2^53 into Numbers in place and keeps larger ones', () => {
    const decoded = [1n, { a: [-(2n ** 53n), 2n ** 53n + 1n] }, 'x'];
    expect(narrowIntegers(decoded)).toBe(decoded);
    expect(decoded).toEqual([1, { a: [-(2 ** 53), 2n ** 53n + 1n] }, 'x']);
  });
});
