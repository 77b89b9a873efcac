import { ProtocolError } from './errors';
import type { Args, Dict, Id, Kwargs, Payload } from './messages';
import type { DictSchema } from './options';
import { keepShape } from '../keep-shape';

/** The largest WAMP id (spec: ids are integers in 1..2^53). */
export const MAX_ID = 2 ** 53;

/** A plain dictionary as decoders produce it: not an array, not a class instance, not binary. */
export function isDict(value: unknown): value is Dict {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** True when `dict` has an enumerable key (a dict from JSON or msgpack: an own one). */
export function hasKeys(dict: object): boolean {
  for (const _ in dict) return true;
  return false;
}

/** A WAMP id as a Number; binary serializers may hand over BigInt, accepted up to 2^53. */
export function toId(value: unknown, min = 1): Id | undefined {
  const n = typeof value === 'bigint' && value >= 0n && value <= BigInt(MAX_ID) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= MAX_ID ? n : undefined;
}

/** Reads one wire array field by field, throwing a ProtocolError that names what is wrong. */
export class Fields {
  constructor(
    private readonly raw: unknown[],
    readonly name: string,
  ) {}

  /** Checks the array length; `min` counts the code, `max` the optional payload fields. */
  length(min: number, max = min): void {
    const n = this.raw.length;
    if (n < min || n > max) {
      const expected = min === max ? `${min}` : `${min} to ${max}`;
      throw this.error(`expected ${expected} elements, got ${n}`);
    }
  }

  id(index: number, field: string, allowZero = false): Id {
    const id = toId(this.raw[index], allowZero ? 0 : 1);
    if (id === undefined) {
      throw this.error(`${field} must be an integer id in ${allowZero ? 0 : 1}..2^53`, field);
    }
    return id;
  }

  uri(index: number, field: string): string {
    const value = this.raw[index];
    if (typeof value !== 'string') throw this.error(`${field} must be a string URI`, field);
    return value;
  }

  string(index: number, field: string): string {
    const value = this.raw[index];
    if (typeof value !== 'string') throw this.error(`${field} must be a string`, field);
    return value;
  }

  integer(index: number, field: string): number {
    const value = this.raw[index];
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw this.error(`${field} must be an integer`, field);
    }
    return value;
  }

  /**
   * A dictionary whose typed keys (the `schema`, from messages.ts) hold values of their type;
   * other keys pass unchecked (spec: unknown options are ignored, not refused).
   */
  dict(index: number, field: string, schema?: DictSchema): Dict {
    const value = this.raw[index];
    if (!isDict(value)) throw this.error(`${field} must be a dictionary`, field);
    if (schema !== undefined) this.checkSchema(value, field, schema);
    return value;
  }

  optionalDict(index: number, field: string): Dict | undefined {
    return index < this.raw.length && this.raw[index] != null ? this.dict(index, field) : undefined;
  }

  /** Arguments at `index` and ArgumentsKw after it; `null` counts as absent. */
  payload(index: number, target: Payload): void {
    const args = this.raw[index];
    if (args != null) {
      if (!Array.isArray(args)) throw this.error('Arguments must be a list', 'Arguments|list');
      target.args = args as Args;
    }
    const kwargs = this.raw[index + 1];
    if (kwargs != null) {
      if (!isDict(kwargs)) throw this.error('ArgumentsKw must be a dictionary', 'ArgumentsKw|dict');
      target.kwargs = kwargs as Kwargs;
    }
  }

  error(problem: string, field?: string): ProtocolError {
    return new ProtocolError(`invalid ${this.name}: ${problem}`, { messageName: this.name, field });
  }

  private checkSchema(dict: Dict, field: string, schema: DictSchema): void {
    // Most Options and Details are `{}` (a plain dict, isDict says): nothing of it to check.
    if (!hasKeys(dict)) return;
    for (const key in schema) {
      const value = dict[key];
      if (value === undefined || schema[key].test(value)) continue;
      const path = `${field.split('|')[0]}.${key}`;
      throw this.error(`${path} must be ${schema[key].expected}`, path);
    }
  }
}

// Its map outlives a full GC taken while no message is being read (see keepShape).
keepShape(new Fields([], ''));
