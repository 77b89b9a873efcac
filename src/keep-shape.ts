/**
 * One instance of each class the call path builds per call, kept for the life of the process.
 *
 * V8 holds the hidden classes ("maps") that an object's field stores lead to only weakly. When
 * a full GC finds no instance of such a class alive (a process between bursts of calls, which
 * is when V8's memory reducer runs one), those maps die, and V8 deoptimizes every optimized
 * function that embeds them (`node --trace-deopt`: "reason: weak objects"). The whole call path
 * then runs cold and is compiled again, not always as well as the first time. A kept instance
 * holds its map, and every map before it, alive.
 *
 * It must be built as the call path builds its instances, with values of the same kind in its
 * fields: a field that only ever holds non-integer numbers needs one too, since such a field
 * moves its objects to another map, which the kept instance would not hold. An object or
 * `undefined` may stand for any object, string or number. `test/router/gc-regime.test.ts`
 * checks that a full GC leaves the call path's code alone.
 */
const kept: object[] = [];

export function keepShape<T extends object>(instance: T): T {
  kept.push(instance);
  return instance;
}
