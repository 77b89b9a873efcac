import fc from 'fast-check';
import { IdTable } from '../../src/protocol/id-table';

/** Operations on a table and on a Map, compared after each step. */
type Op = { kind: 'set'; id: number; value: number } | { kind: 'delete'; id: number } | { kind: 'clear' };

// Ids as sessions use them (small, sequential) and as the wire may bring them (up to 2^53, 0, negatives).
const anyId = fc.oneof(
  fc.integer({ min: 1, max: 300 }),
  fc.integer({ min: -3, max: 2 }),
  fc.constantFrom(2 ** 53, 2 ** 53 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 31, 64, 128, 192),
  fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
);

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('set' as const), id: anyId, value: fc.integer() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('delete' as const), id: anyId }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

function sortedValues(map: Map<number, number>): number[] {
  return [...map.keys()].sort((a, b) => a - b).map((id) => map.get(id)!);
}

describe('IdTable', () => {
  it('behaves as a Map of ids under any sequence of sets, deletes and clears', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), fc.array(anyId, { maxLength: 20 }), (ops, probes) => {
        const table = new IdTable<number>(4);
        const map = new Map<number, number>();
        for (const o of ops) {
          if (o.kind === 'set') {
            table.set(o.id, o.value);
            map.set(o.id, o.value);
          } else if (o.kind === 'delete') {
            expect(table.delete(o.id)).toBe(map.delete(o.id));
          } else {
            table.clear();
            map.clear();
          }
          expect(table.size).toBe(map.size);
        }
        for (const id of [...probes, ...map.keys()]) {
          expect(table.get(id)).toBe(map.get(id));
          expect(table.has(id)).toBe(map.has(id));
        }
        expect(table.values()).toEqual(sortedValues(map));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a request that outlives many turns of the table next to the sequence that passes it', () => {
    const table = new IdTable<string>(8);
    table.set(1, 'stuck');
    for (let id = 2; id < 10_000; id++) {
      table.set(id, `call ${id}`);
      if (id > 2) expect(table.delete(id - 1)).toBe(true);
      expect(table.get(id)).toBe(`call ${id}`);
      expect(table.get(1)).toBe('stuck');
    }
    expect(table.get(1)).toBe('stuck');
    expect(table.size).toBe(2);
    expect(table.values()).toEqual(['stuck', 'call 9999']);
  });

  it('grows with the requests in flight and finds every one', () => {
    const table = new IdTable<number>(2);
    for (let id = 1; id <= 5000; id++) table.set(id, id * 2);
    expect(table.size).toBe(5000);
    for (let id = 1; id <= 5000; id++) expect(table.get(id)).toBe(id * 2);
    expect(table.has(0)).toBe(false);
    expect(table.get(0)).toBeUndefined();
    expect(table.delete(0)).toBe(false);
  });
});
