// From fields, not codec: codec re-exports it through a getter, read on every id.
import { MAX_ID } from './fields';

/**
 * A random id over the whole range 1..2^53, for sessions and publications (spec: "global
 * scope" ids are drawn randomly from a uniform distribution).
 */
export function randomId(): number {
  // Math.random gives 52 bits of mantissa; two draws cover 53 bits.
  const high = Math.floor(Math.random() * 2 ** 21);
  const low = Math.floor(Math.random() * 2 ** 32);
  return (high * 2 ** 32 + low) % MAX_ID || MAX_ID;
}

/** Sequential ids 1, 2, 3, ... wrapping after 2^53 (spec: "session scope" request ids). */
export class IdSequence {
  private last = 0;

  next(): number {
    this.last = this.last >= MAX_ID ? 1 : this.last + 1;
    return this.last;
  }
}
