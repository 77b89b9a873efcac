import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import type { SchemaValidateFunction } from 'ajv/dist/types';
import { TYPESCRIPT_NAME, WSERVICE_TYPE } from './schema';
import type { JsonSchema } from './types';

/**
 * Checks values against contract schemas with ajv (draft 2020-12, first error only, each
 * schema compiled once). `x-wservice-type` nodes are checked and converted here: an ISO 8601
 * string becomes a `Date`, an integer a `bigint`; with `coerce`, ajv's type coercion also
 * turns strings into numbers and booleans (and, as ajv does, `null` into `0`, `false`, `""`).
 */

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)?$/;

function wireType(coerce: boolean): SchemaValidateFunction {
  const check: SchemaValidateFunction = (kind: string, data: unknown, _parent, cxt) => {
    const converted = convert(kind, data, coerce);
    if (converted === INVALID) {
      check.errors = [{ keyword: WSERVICE_TYPE, params: { type: kind }, message: EXPECTED[kind] ?? kind }];
      return false;
    }
    if (converted !== data && cxt !== undefined) cxt.parentData[cxt.parentDataProperty] = converted;
    return true;
  };
  return check;
}

const INVALID = Symbol('invalid');

const EXPECTED: Record<string, string> = {
  Date: 'expected an ISO 8601 date-time string',
  bigint: 'expected an integer',
  bytes: 'expected bytes',
};

function convert(kind: string, data: unknown, coerce: boolean): unknown {
  switch (kind) {
    case 'Date':
      if (data instanceof Date) return Number.isNaN(data.getTime()) ? INVALID : data;
      if (typeof data === 'string' && ISO_DATE.test(data)) {
        const date = new Date(data);
        return Number.isNaN(date.getTime()) ? INVALID : date;
      }
      return INVALID;
    case 'bigint':
      if (typeof data === 'bigint') return data;
      // The serializers give integers up to 2^53 as Numbers, larger ones as BigInt.
      if (Number.isInteger(data)) return BigInt(data as number);
      if (coerce && typeof data === 'string' && /^-?\d+$/.test(data)) return BigInt(data);
      return INVALID;
    case 'bytes':
      return data instanceof Uint8Array ? data : INVALID;
    default:
      return data;
  }
}

function newAjv(coerce: boolean): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: false,
    strict: false,
    verbose: true,
    coerceTypes: coerce,
    // Contracts come from the service's own source: no remote references to fetch.
    loadSchema: undefined,
  });
  ajv.addKeyword({ keyword: WSERVICE_TYPE, modifying: true, errors: true, validate: wireType(coerce) });
  return ajv;
}

const validators = { strict: undefined as Ajv2020 | undefined, coerce: undefined as Ajv2020 | undefined };

/** A validator of `schema` (its `x-wservice-type` nodes checked by value, not by their wire type). */
export function compileSchema(schema: JsonSchema, coerce: boolean): ValidateFunction {
  const ajv = coerce ? (validators.coerce ??= newAjv(true)) : (validators.strict ??= newAjv(false));
  return ajv.compile(runtimeSchema(schema) as object);
}

/**
 * The schema as values arrive in this process: a `Date` node accepts a Date or an ISO string,
 * a `bigint` node a BigInt or an integer, a `bytes` node a Uint8Array. Their wire keywords
 * (`type`, `format`, `contentEncoding`) are dropped, the marker kept.
 */
export function runtimeSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(runtimeSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const source = schema as Record<string, unknown>;
  if (typeof source[WSERVICE_TYPE] === 'string') {
    const { type: _t, format: _f, contentEncoding: _c, ...rest } = source;
    return rest;
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    // Property names and const / enum values are data, not schemas.
    out[key] = key === 'const' || key === 'enum' || key === 'required' ? value : runtimeSchema(value);
  }
  return out;
}

/** True when checking `schema` may replace values inside a nested object or array. */
export function convertsNested(schema: unknown, coerce: boolean, top = true): boolean {
  if (Array.isArray(schema)) return schema.some((s) => convertsNested(s, coerce, false));
  if (schema === null || typeof schema !== 'object') return false;
  const source = schema as Record<string, unknown>;
  if (!top && (source[WSERVICE_TYPE] === 'Date' || source[WSERVICE_TYPE] === 'bigint')) return true;
  if (!top && coerce && 'type' in source) return true;
  return Object.entries(source).some(
    ([key, value]) => key !== 'const' && key !== 'enum' && convertsNested(value, coerce, false),
  );
}

/** One failed check, said for a person: where, what was expected, what came. */
export interface Problem {
  /** `order.items[2].qty`; empty for the value itself. */
  path: string;
  expected: string;
  got?: string;
}

/**
 * A failed validation in words. ajv stops at the first failure (allErrors off); when that is
 * a union, the branches' errors come first and the union's own last: the last one says it.
 */
export function problemOf(errors: ErrorObject[]): Problem {
  const error = errors[errors.length - 1];
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const got = describeValue(error.data);
  switch (error.keyword) {
    case 'required':
      return {
        path: joinPath([...segments, String(error.params.missingProperty)]),
        expected: 'missing (required)',
      };
    case 'additionalProperties':
      return {
        path: joinPath([...segments, String(error.params.additionalProperty)]),
        expected: `unknown property (${knownProperties(error.parentSchema)})`,
      };
    case 'type':
      return {
        path: joinPath(segments),
        expected: `expected ${String(error.params.type).replace(/,/g, ' | ')}`,
        got,
      };
    case 'const':
      return {
        path: joinPath(segments),
        expected: `expected ${JSON.stringify(error.params.allowedValue)}`,
        got,
      };
    case 'enum':
      return {
        path: joinPath(segments),
        expected: `expected one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
        got,
      };
    case 'anyOf':
    case 'oneOf':
      return { path: joinPath(segments), expected: `expected ${describeSchema(error.parentSchema)}`, got };
    case 'minItems':
      return {
        path: joinPath(segments),
        expected: `expected at least ${String(error.params.limit)} items`,
        got,
      };
    case 'maxItems':
      return {
        path: joinPath(segments),
        expected: `expected at most ${String(error.params.limit)} items`,
        got,
      };
    case 'false schema':
      return { path: joinPath(segments), expected: 'not expected here' };
    default:
      return { path: joinPath(segments), expected: error.message ?? error.keyword, got };
  }
}

function joinPath(segments: string[]): string {
  let out = '';
  for (const s of segments) {
    if (/^\d+$/.test(s)) out += `[${s}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

function knownProperties(schema: unknown): string {
  const properties = Object.keys((schema as { properties?: object } | undefined)?.properties ?? {});
  return properties.length === 0 ? 'none are declared' : `expected ${properties.join(', ')}`;
}

/**
 * A schema in TypeScript-like words, for messages and summaries; `short` names a named type
 * (`Order`) instead of spelling out its properties.
 */
export function describeSchema(schema: unknown, defs?: Record<string, unknown>, short = false): string {
  if (schema === true || schema === undefined) return 'any';
  if (schema === false) return 'never';
  const s = schema as Record<string, unknown>;
  if (short && typeof s[TYPESCRIPT_NAME] === 'string') return s[TYPESCRIPT_NAME];
  if (typeof s[WSERVICE_TYPE] === 'string')
    return s[WSERVICE_TYPE] === 'bytes' ? 'Uint8Array' : String(s[WSERVICE_TYPE]);
  if (typeof s.$ref === 'string') return s.$ref.replace('#/$defs/', '');
  if ('const' in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(s.anyOf)) return s.anyOf.map((m) => describeSchema(m, defs, short)).join(' | ');
  switch (s.type) {
    case 'array':
      if (Array.isArray(s.prefixItems))
        return `[${s.prefixItems.map((m) => describeSchema(m, defs, short)).join(', ')}]`;
      return `${wrap(describeSchema(s.items, defs, short))}[]`;
    case 'object': {
      const properties = Object.entries((s.properties as Record<string, unknown>) ?? {});
      const required = new Set((s.required as string[]) ?? []);
      const fields = properties.map(
        ([k, v]) => `${k}${required.has(k) ? '' : '?'}: ${describeSchema(v, defs, short)}`,
      );
      if (s.additionalProperties !== false && s.additionalProperties !== undefined) {
        fields.push(`[key: string]: ${describeSchema(s.additionalProperties, defs, short)}`);
      }
      return `{ ${fields.join('; ')} }`;
    }
    case 'integer':
      return 'integer';
    case undefined:
      return 'any';
    default:
      return Array.isArray(s.type) ? s.type.join(' | ') : String(s.type);
  }
}

function wrap(text: string): string {
  return text.includes(' | ') ? `(${text})` : text;
}

/** A value in words: `string "5"`, `null`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'bytes';
  if (value instanceof Date) return 'a Date';
  if (typeof value === 'bigint') return `the integer ${value} (beyond 2^53: declare the parameter bigint)`;
  if (typeof value === 'object') return 'a dictionary';
  const text = JSON.stringify(value) ?? String(value);
  return `${typeof value} ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}

/** `(order: Order, priority?: number, ...tags: string[])` */
export function signatureOf(
  parameters: readonly {
    name: string;
    schema: unknown;
    required: boolean;
    rest: boolean;
    properties?: string[];
  }[],
): string {
  const list = parameters.map((p) => {
    const type = describeSchema(p.schema, undefined, true);
    if (p.rest) return `...${p.name}: ${type.includes(' | ') ? `(${type})` : type}[]`;
    const name = p.properties === undefined ? p.name : `{ ${p.properties.join(', ')} }`;
    return `${name}${p.required ? '' : '?'}: ${type}`;
  });
  return `(${list.join(', ')})`;
}
