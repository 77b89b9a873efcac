import type { Args, Kwargs } from '../src';

/**
 * Values as people and scripts read them: a string as it is, anything else as JSON. BigInts
 * (64-bit integers from msgpack / CBOR) become decimal strings and bytes become base64, which
 * plain JSON cannot otherwise carry.
 */
export function renderValue(value: unknown, indent?: number): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value, jsonSafe, indent);
}

/** One call result or event payload: its single argument when that says it all, else both parts. */
export function renderPayload(args: Args, kwargs: Kwargs, indent?: number): string {
  return renderValue(payloadValue(args, kwargs), indent);
}

/** The value a payload stands for: nothing, its single argument, or `{ args, kwargs }`. */
export function payloadValue(args: Args, kwargs: Kwargs): unknown {
  if (args.length <= 1 && Object.keys(kwargs).length === 0) return args[0];
  return { args, kwargs };
}

/** JSON text of anything a WAMP payload may hold. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, jsonSafe);
}

/** A replacer: `this[key]` is the value before `toJSON`, so Buffers are seen as bytes. */
function jsonSafe(this: unknown, key: string, value: unknown): unknown {
  const original = (this as Record<string, unknown>)[key];
  if (original instanceof Uint8Array) return Buffer.from(original).toString('base64');
  if (typeof value === 'bigint') return value.toString();
  return value;
}
