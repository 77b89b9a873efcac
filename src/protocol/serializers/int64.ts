import { MAX_ID } from '../codec';

/**
 * Integer handling shared by the binary serializers.
 *
 * msgpackr and cbor-x write a JavaScript Number outside the 32-bit range as a float64, but
 * WAMP ids reach 2^53 and other peers (Crossbar, autobahn-python, Bondy) read a float where
 * an integer belongs as a different value or reject it. So before packing, such integers
 * are widened to BigInt, which both libraries write as a 64-bit integer.
 */

const INT32_MIN = -(2 ** 31);
const UINT32_MAX = 2 ** 32 - 1;
const MAX_SAFE_BIGINT = BigInt(MAX_ID);
const MIN_SAFE_BIGINT = -MAX_SAFE_BIGINT;

/** An integer Number the libraries would write as a float becomes a BigInt (|n| <= 2^53). */
export function widenInteger(value: number): number | bigint {
  if ((value >= INT32_MIN && value <= UINT32_MAX) || !Number.isInteger(value) || Math.abs(value) > MAX_ID) {
    return value;
  }
  return BigInt(value);
}

/**
 * Prepares a message for a binary encoder, copy-on-write: integer Numbers beyond 32 bits
 * become BigInt and, with `undefinedAsNull`, `undefined` becomes null. The caller's arrays
 * and objects are never mutated, and when nothing changes the very same value comes back
 * with nothing allocated. Cycles end in a RangeError (stack overflow), which the
 * serializers report.
 */
export function widenIntegers(value: unknown, undefinedAsNull = false): unknown {
  switch (typeof value) {
    case 'number':
      return widenInteger(value);
    case 'object':
      if (value === null) return value;
      if (Array.isArray(value)) return widenArray(value, undefinedAsNull);
      return isTraversable(value) ? widenObject(value as Record<string, unknown>, undefinedAsNull) : value;
    case 'undefined':
      return undefinedAsNull ? null : value;
    default:
      return value;
  }
}

function widenArray(array: unknown[], undefinedAsNull: boolean): unknown[] {
  let copy: unknown[] | undefined;
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    const widened = widenIntegers(item, undefinedAsNull);
    if (widened !== item) {
      copy ??= array.slice();
      copy[i] = widened;
    }
  }
  return copy ?? array;
}

function widenObject(object: Record<string, unknown>, undefinedAsNull: boolean): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key in object) {
    if (!Object.prototype.hasOwnProperty.call(object, key)) continue;
    const item = object[key];
    const widened = widenIntegers(item, undefinedAsNull);
    if (widened !== item) {
      copy ??= { ...object };
      copy[key] = widened;
    }
  }
  return copy ?? object;
}

/**
 * True for objects the libraries write as a plain map of their own properties: plain objects
 * and instances of ordinary classes. Binary, dates, maps, sets, errors, regexps and objects
 * with `toJSON` are written by the libraries' own rules and left untouched.
 */
function isTraversable(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto === Object.prototype || proto === null) return true;
  return !(
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer ||
    value instanceof Date ||
    value instanceof Map ||
    value instanceof Set ||
    value instanceof Error ||
    value instanceof RegExp ||
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  );
}

/**
 * Turns decoded 64-bit BigInts back into Numbers where no precision is lost (|n| <= 2^53),
 * in place: the decoded value belongs to the caller alone. Larger integers stay BigInt.
 */
export function narrowIntegers(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value >= MIN_SAFE_BIGINT && value <= MAX_SAFE_BIGINT ? Number(value) : value;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = narrowIntegers(value[i]);
    return value;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto === Object.prototype || proto === null) {
    const object = value as Record<string, unknown>;
    for (const key in object) object[key] = narrowIntegers(object[key]);
  }
  return value;
}
