import type { Id } from './messages';

const INITIAL_CAPACITY = 64;

/**
 * The requests in flight of one session, keyed by WAMP request id: pending calls, running
 * invocations, the router's calls per caller and per callee.
 *
 * Why not a `Map`: a Map that gets an insert and a delete per request replaces its backing
 * store every few hundred requests, and V8 links each replaced store to its successor (for
 * iterators that may still walk it). Once one store has been promoted to the old generation
 * (after any full collection), every later store, and every entry it held, is kept alive by
 * that chain through the next scavenges and promoted in turn: per-request garbage then costs
 * old-generation collections. In the bench's caller, 96 % of what survived a scavenge was
 * promoted and a call cost about 1.5 µs more once a full collection had run.
 *
 * Here a request's slot is its id modulo the capacity: request ids are a session's sequence
 * (1, 2, 3...), so requests in flight fill distinct slots and a slot is only ever cleared
 * and reused, never replaced. An id that finds its slot taken (a request that outlived a
 * whole turn of the table, or ids that are not sequential) goes to a small overflow Map.
 * The table doubles when it is half full, so the overflow stays rare.
 */
export class IdTable<T> {
  /** 0 marks a free slot: WAMP ids start at 1. */
  private keys!: Float64Array;
  private entries!: Array<T | undefined>;
  private mask!: number;
  private inSlots!: number;
  private overflow!: Map<Id, T> | null;

  constructor(capacity = INITIAL_CAPACITY) {
    this.allocate(2 ** Math.ceil(Math.log2(Math.max(capacity, 2))));
  }

  get size(): number {
    return this.inSlots + (this.overflow?.size ?? 0);
  }

  get(id: Id): T | undefined {
    const slot = id & this.mask;
    if (this.keys[slot] === id && id !== 0) return this.entries[slot];
    return this.overflow?.get(id);
  }

  has(id: Id): boolean {
    return (this.keys[id & this.mask] === id && id !== 0) || this.overflow?.has(id) === true;
  }

  set(id: Id, value: T): void {
    const slot = id & this.mask;
    const held = this.keys[slot];
    if (held === id && id !== 0) {
      this.entries[slot] = value;
      return;
    }
    if (held !== 0 || id <= 0 || this.overflow?.has(id) === true) {
      (this.overflow ??= new Map()).set(id, value);
    } else {
      this.keys[slot] = id;
      this.entries[slot] = value;
      this.inSlots++;
    }
    if (this.size * 2 > this.keys.length) this.grow();
  }

  /** Removes `id`'s entry; true when there was one. */
  delete(id: Id): boolean {
    const slot = id & this.mask;
    if (this.keys[slot] === id && id !== 0) {
      this.keys[slot] = 0;
      this.entries[slot] = undefined;
      this.inSlots--;
      return true;
    }
    return this.overflow?.delete(id) === true;
  }

  /** A snapshot of the entries in id order (the order a session issued its requests). */
  values(): T[] {
    return this.ids()
      .sort((a, b) => a - b)
      .map((id) => this.get(id) as T);
  }

  clear(): void {
    this.allocate(this.keys.length);
  }

  /** Every id held, in slot order, then the overflow's. */
  private ids(): Id[] {
    const ids: Id[] = [];
    for (let slot = 0; slot < this.keys.length; slot++) if (this.keys[slot] !== 0) ids.push(this.keys[slot]);
    if (this.overflow !== null) for (const id of this.overflow.keys()) ids.push(id);
    return ids;
  }

  /** Empty storage of `size` slots (a power of two). */
  private allocate(size: number): void {
    this.keys = new Float64Array(size);
    this.entries = new Array<T | undefined>(size).fill(undefined);
    this.mask = size - 1;
    this.inSlots = 0;
    this.overflow = null;
  }

  private grow(): void {
    const ids = this.ids();
    const values = ids.map((id) => this.get(id) as T);
    this.allocate(this.keys.length * 2);
    ids.forEach((id, i) => this.set(id, values[i]));
  }
}
