import type { ValidateFunction } from 'ajv/dist/2020';
import type { StandardSchemaV1 } from '../contracts/standard-schema';
import { compileSchema, convertsNested, describeValue, problemOf } from '../contracts/validate';
import { WSERVICE_TYPE } from '../contracts/schema';
import type { JsonSchema } from '../contracts/types';
import { ErrorUri, WampError } from '../protocol/errors';
import type { Args, Kwargs } from '../protocol/messages';
import type { EntrypointDefinition, ParameterDefinition, ParameterType } from './definition';

/**
 * Maps a call's positional `args` to parameters by position and its `kwargs` to parameters
 * by name (so Python and JS callers that use keyword arguments work; the properties of a
 * destructured parameter are keywords too), then checks every value against its parameter's
 * schema at any depth. A mismatch is a WampError `wamp.error.invalid_argument` whose message
 * and kwargs name the path and the expectation (`order.items[2].qty: expected number, got
 * string "5"`).
 */
export function bindArguments(
  entrypoint: EntrypointDefinition,
  args: Args,
  kwargs: Kwargs,
): unknown[] | Promise<unknown[]> {
  return bindWith(binderOf(entrypoint), entrypoint, args, kwargs);
}

/** `bindArguments` with the entrypoint's binder found already (`argumentBinder`): no lookup per call. */
export function bindWith(
  binder: ArgumentBinder,
  entrypoint: EntrypointDefinition,
  args: Args,
  kwargs: Kwargs,
): unknown[] | Promise<unknown[]> {
  const params = entrypoint.parameters;
  if (binder.plain !== undefined && fitsPlain(binder.plain, args, kwargs)) return args.slice();
  const fixed = binder.restIndex === -1 ? params.length : binder.restIndex;
  if (binder.restIndex === -1 && args.length > fixed) {
    throw invalid(
      entrypoint,
      `takes ${fixed} positional argument${fixed === 1 ? '' : 's'} but ${args.length} were given`,
    );
  }
  const bound: unknown[] = args.slice(0, fixed);
  for (const key of Object.keys(kwargs)) {
    const index = binder.byName.get(key);
    if (index !== undefined) {
      if (index < args.length) throw invalid(entrypoint, `got multiple values for argument '${key}'`, key);
      while (bound.length < index) bound.push(undefined);
      bound[index] = kwargs[key];
      continue;
    }
    const owner = binder.byProperty.get(key);
    if (owner === undefined) throw invalid(entrypoint, `got an unexpected keyword argument '${key}'`, key);
    if (owner < args.length) throw invalid(entrypoint, `got multiple values for argument '${key}'`, key);
    while (bound.length <= owner) bound.push(undefined);
    bound[owner] ??= {};
    (bound[owner] as Record<string, unknown>)[key] = kwargs[key];
  }
  const rest = binder.restIndex !== -1 && args.length > fixed ? args.slice(fixed) : undefined;
  if (binder.validate === undefined) {
    if (rest !== undefined) {
      while (bound.length < fixed) bound.push(undefined);
      bound.push(...rest);
    }
    return bound;
  }
  // One object holding every argument by name: one validation, paths that start with the name.
  const named: Record<string, unknown> = {};
  for (let i = 0; i < bound.length; i++) {
    if (bound[i] !== undefined) named[params[i].name] = binder.clone ? copy(bound[i]) : bound[i];
  }
  if (rest !== undefined) named[params[binder.restIndex].name] = binder.clone ? copy(rest) : rest;
  if (!binder.validate(named)) throw refused(entrypoint, binder.validate);
  const restIndex = rest === undefined ? undefined : binder.restIndex;
  const pending = entrypoint.refine === undefined ? undefined : refineArguments(entrypoint, named);
  if (pending === undefined) return fill(bound, named, params, fixed, restIndex);
  return pending.then(() => fill(bound, named, params, fixed, restIndex));
}

/** The checked (and converted) values back in parameter order, the rest ones spread at the end. */
function fill(
  bound: unknown[],
  named: Record<string, unknown>,
  params: readonly ParameterDefinition[],
  fixed: number,
  restIndex: number | undefined,
): unknown[] {
  for (let i = 0; i < bound.length; i++) if (bound[i] !== undefined) bound[i] = named[params[i].name];
  if (restIndex !== undefined) {
    while (bound.length < fixed) bound.push(undefined);
    bound.push(...(named[params[restIndex].name] as unknown[]));
  }
  return bound;
}

/**
 * Runs the `refine` validators on the arguments given (a left-out optional one is not
 * checked), replacing each value by the validator's output. Synchronous validators finish
 * here; a Promise is returned only when one of them answers asynchronously.
 */
function refineArguments(
  entrypoint: EntrypointDefinition,
  named: Record<string, unknown>,
): Promise<void> | undefined {
  const waiting: Promise<void>[] = [];
  for (const [name, validator] of Object.entries(entrypoint.refine!)) {
    if (!(name in named)) continue;
    const apply = (result: StandardSchemaV1.Result<unknown>): void => {
      if (result.issues !== undefined) throw refinedAway(entrypoint, name, named[name], result.issues);
      named[name] = result.value;
    };
    const result = validator['~standard'].validate(named[name]);
    if (result instanceof Promise) waiting.push(result.then(apply));
    else apply(result);
  }
  return waiting.length === 0 ? undefined : Promise.all(waiting).then(() => undefined);
}

/** The first issue a validator reported, as `invalid_argument` naming the path inside the value. */
function refinedAway(
  entrypoint: EntrypointDefinition,
  name: string,
  value: unknown,
  issues: readonly StandardSchemaV1.Issue[],
): WampError {
  const [issue] = issues;
  let path = name;
  let at = value;
  for (const segment of issue?.path ?? []) {
    const key = typeof segment === 'object' ? segment.key : segment;
    path +=
      typeof key === 'number'
        ? `[${key}]`
        : /^[A-Za-z_$][\w$]*$/.test(String(key))
          ? `.${String(key)}`
          : `[${JSON.stringify(String(key))}]`;
    at = at !== null && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[key] : undefined;
  }
  const message = issue?.message ?? 'refused by its validator';
  return invalid(entrypoint, `${path}: ${message}`, name, {
    path,
    expected: message,
    got: describeValue(at),
  });
}

/** What binds the arguments of one entrypoint (`argumentBinder`), made once. */
export interface ArgumentBinder {
  restIndex: number;
  /** Parameter index by name (rest excluded). */
  byName: Map<string, number>;
  /** Destructured parameter's index by property name. */
  byProperty: Map<string, number>;
  /** Absent when no parameter has anything to check. */
  validate?: ValidateFunction;
  /** Checking converts values inside objects: work on a copy, never on what the caller holds. */
  clone: boolean;
  /**
   * Present when every parameter is positional with a schema of one primitive `type` (or none)
   * and nothing refines: the check of plain positional arguments, per parameter. A call it
   * passes is one `validate` passes unchanged; any other call takes the whole binding.
   */
  plain?: readonly PlainCheck[];
}

/** One parameter of a `plain` binder: the wire type its value must have, and whether it may be left out. */
interface PlainCheck {
  type: 'string' | 'number' | 'integer' | 'boolean' | 'any';
  required: boolean;
}

/**
 * True when `args` fill the parameters of `plain` by position with values of their types
 * exactly (no keyword, no conversion): the verdict ajv gives such a call, without building
 * the object it checks. Numbers must be finite (accepted with or without strictNumbers).
 */
function fitsPlain(plain: readonly PlainCheck[], args: Args, kwargs: Kwargs): boolean {
  if (args.length > plain.length) return false;
  for (const key in kwargs) if (Object.prototype.hasOwnProperty.call(kwargs, key)) return false;
  for (let i = 0; i < plain.length; i++) {
    const value = args[i];
    const check = plain[i];
    if (value === undefined) {
      if (check.required) return false;
      continue;
    }
    switch (check.type) {
      case 'string':
        if (typeof value !== 'string') return false;
        break;
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) return false;
        break;
      case 'integer':
        if (!Number.isInteger(value)) return false;
        break;
      case 'boolean':
        if (typeof value !== 'boolean') return false;
        break;
      case 'any':
        break;
    }
  }
  return true;
}

/** The `plain` checks of `params`, or undefined when one of them needs the whole check. */
function plainChecks(entrypoint: EntrypointDefinition): PlainCheck[] | undefined {
  if (entrypoint.refine !== undefined) return undefined;
  const checks: PlainCheck[] = [];
  for (const p of entrypoint.parameters) {
    if (p.rest) return undefined;
    const type = plainType(p.schema);
    if (type === undefined) return undefined;
    checks.push({ type, required: p.required });
  }
  return checks;
}

function plainType(schema: JsonSchema): PlainCheck['type'] | undefined {
  if (schema === true) return 'any';
  if (typeof schema !== 'object' || schema === null) return undefined;
  const keys = Object.keys(schema);
  if (keys.length !== 1 || keys[0] !== 'type') return undefined;
  const { type } = schema as { type: unknown };
  return type === 'string' || type === 'number' || type === 'integer' || type === 'boolean'
    ? type
    : undefined;
}

// Built when the service starts (`prepareArguments`), else on the entrypoint's first call.
const binders = new WeakMap<EntrypointDefinition, ArgumentBinder>();

/**
 * Compiles the argument check of `entrypoint` now rather than on its first call: the first
 * call of a service does not wait for ajv (tens of milliseconds for the first schema of a
 * process), and a schema ajv cannot compile fails the start, not a call.
 */
export function prepareArguments(entrypoint: EntrypointDefinition): void {
  binderOf(entrypoint);
}

/** The binder of `entrypoint` (compiled now if it was not prepared), for `bindWith`. */
export function argumentBinder(entrypoint: EntrypointDefinition): ArgumentBinder {
  return binderOf(entrypoint);
}

function binderOf(entrypoint: EntrypointDefinition): ArgumentBinder {
  let binder = binders.get(entrypoint);
  if (binder === undefined) {
    binder = compileBinder(entrypoint);
    binders.set(entrypoint, binder);
  }
  return binder;
}

function compileBinder(entrypoint: EntrypointDefinition): ArgumentBinder {
  const params = entrypoint.parameters;
  const last = params.length - 1;
  const restIndex = last >= 0 && params[last].rest ? last : -1;
  const byName = new Map<string, number>();
  const byProperty = new Map<string, number>();
  params.forEach((p, i) => {
    if (!p.rest) byName.set(p.name, i);
    for (const property of p.properties ?? []) if (!byProperty.has(property)) byProperty.set(property, i);
  });
  const properties: Record<string, JsonSchema> = {};
  for (const p of params) properties[p.name] = p.rest ? { type: 'array', items: p.schema } : p.schema;
  const required = params.filter((p) => p.required).map((p) => p.name);
  const checks =
    required.length > 0 || params.some((p) => p.schema !== true) || entrypoint.refine !== undefined;
  if (!checks) return { restIndex, byName, byProperty, clone: false, plain: plainChecks(entrypoint) };
  const schema = {
    type: 'object',
    properties,
    required,
    ...(entrypoint.defs === undefined ? {} : { $defs: entrypoint.defs }),
  };
  const coerce = entrypoint.coerce;
  return {
    restIndex,
    byName,
    byProperty,
    validate: compileSchema(schema, coerce),
    plain: plainChecks(entrypoint),
    clone: params.some((p) => convertsNested(p.rest ? { type: 'array', items: p.schema } : p.schema, coerce)),
  };
}

/** A copy of plain wire data (arrays, dictionaries; bytes and dates are kept as they are). */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array || value instanceof Date) {
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = copy((value as Record<string, unknown>)[key]);
  return out;
}

function refused(entrypoint: EntrypointDefinition, validate: ValidateFunction): WampError {
  const problem = problemOf(validate.errors!);
  const [first] = problem.path.split(/[.[]/, 1);
  const param = entrypoint.parameters.find((p) => p.name === first);
  if (param !== undefined && problem.path === param.name && problem.expected === 'missing (required)') {
    const name = param.properties?.[0] ?? param.name;
    return invalid(entrypoint, `missing required argument '${name}'`, name, {
      path: name,
      expected: 'required',
    });
  }
  // A destructured parameter's properties are named by themselves: `qty`, not `arg0.qty`.
  const path =
    param?.properties !== undefined && problem.path !== param.name
      ? problem.path.slice(param.name.length).replace(/^\./, '')
      : problem.path;
  if (param?.properties?.includes(path) && problem.expected === 'missing (required)') {
    return invalid(entrypoint, `missing required argument '${path}'`, path, { path, expected: 'required' });
  }
  const got = problem.got === undefined ? '' : `, got ${problem.got}`;
  return invalid(entrypoint, `${path}: ${problem.expected}${got}`, first, {
    path,
    expected: problem.expected,
    ...(problem.got === undefined ? {} : { got: problem.got }),
  });
}

function invalid(
  entrypoint: EntrypointDefinition,
  problem: string,
  parameter?: string,
  detail: Record<string, string> = {},
): WampError {
  return new WampError(ErrorUri.INVALID_ARGUMENT, [`${entrypoint.method}() ${problem}`], {
    method: entrypoint.method,
    ...(parameter === undefined ? {} : { parameter }),
    ...detail,
  });
}

/** The schema checked for a `design:paramtypes` type, when no contract could be read. */
export function schemaOfDesignType(type: ParameterType): JsonSchema {
  switch (type) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'array':
      return { type };
    case 'bigint':
      return { type: 'integer', [WSERVICE_TYPE]: 'bigint' };
    case 'bytes':
      return { type: 'string', contentEncoding: 'base64', [WSERVICE_TYPE]: 'bytes' };
    case 'any':
      return true;
  }
}

/** The parameter type checked for a `design:paramtypes` entry. */
export function parameterType(designType: unknown): ParameterType {
  if (designType === String) return 'string';
  if (designType === Number) return 'number';
  if (designType === BigInt) return 'bigint';
  if (designType === Boolean) return 'boolean';
  if (designType === Array) return 'array';
  if (designType === Buffer || designType === Uint8Array) return 'bytes';
  // Object stands for interfaces, unions and `any`; classes arrive as plain dictionaries.
  return 'any';
}

/**
 * Parameter names of a function, read from its source text (what the compiler emitted).
 * Destructured parameters have no name: they get `arg<i>` and can only be passed by position.
 */
export function parameterNames(fn: (...args: never[]) => unknown): { name: string; rest: boolean }[] {
  const source = Function.prototype.toString.call(fn);
  const list = parameterList(source);
  if (list.trim() === '') return [];
  return splitTopLevel(list).map((raw, i) => {
    let text = raw.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '').trim();
    const rest = text.startsWith('...');
    if (rest) text = text.slice(3).trim();
    const name = /^[A-Za-z_$][\w$]*/.exec(text)?.[0];
    return { name: name ?? `arg${i}`, rest };
  });
}

/** The text between the first `(` of a function's source and its matching `)`. */
function parameterList(source: string): string {
  const start = source.indexOf('(');
  if (start === -1) {
    // `x => x` has no parentheses.
    const arrow = /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(source);
    return arrow ? arrow[1] : '';
  }
  let depth = 0;
  for (let i = start; i < source.length; i = skip(source, i) + 1) {
    const c = source[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return source.slice(start + 1, i);
    }
  }
  return source.slice(start + 1);
}

/** Index of the last character of a string literal or comment starting at `i`, else `i`. */
function skip(source: string, i: number): number {
  const c = source[i];
  if (c === '"' || c === "'" || c === '`') {
    let j = i + 1;
    while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
    return j;
  }
  if (c === '/' && source[i + 1] === '*') {
    const end = source.indexOf('*/', i + 2);
    return end === -1 ? source.length : end + 1;
  }
  if (c === '/' && source[i + 1] === '/') {
    const end = source.indexOf('\n', i + 2);
    return end === -1 ? source.length : end;
  }
  return i;
}

/** Splits a parameter list at commas that are not nested in brackets or literals. */
function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < list.length; i = skip(list, i) + 1) {
    const c = list[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(list.slice(from, i));
      from = i + 1;
    }
  }
  const last = list.slice(from);
  if (last.trim() !== '') parts.push(last);
  return parts;
}

/**
 * Parameter definitions from the parsed names and the declared design types: what is checked
 * when the class's contract cannot be read (primitive types only, nothing required).
 */
export function buildParameters(
  fn: (...args: never[]) => unknown,
  designTypes: readonly unknown[],
): ParameterDefinition[] {
  return parameterNames(fn).map(({ name, rest }, i) => ({
    name,
    rest,
    required: false,
    schema: rest ? true : schemaOfDesignType(parameterType(designTypes[i])),
  }));
}
