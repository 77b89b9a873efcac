import { ErrorUri, WampError } from '../protocol/errors';
import type { Args, Kwargs } from '../protocol/messages';
import type { EntrypointDefinition, ParameterDefinition, ParameterType } from './definition';

/**
 * Maps a call's positional `args` to parameters by position and its `kwargs` to parameters
 * by name (so Python and JS callers that use keyword arguments work), checking each value
 * against the parameter's declared primitive type. A mismatch is a WampError
 * `wamp.error.invalid_argument` naming the parameter.
 */
export function bindArguments(entrypoint: EntrypointDefinition, args: Args, kwargs: Kwargs): unknown[] {
  const params = entrypoint.parameters;
  const restIndex = params.length > 0 && params[params.length - 1].rest ? params.length - 1 : -1;
  const fixed = restIndex === -1 ? params.length : restIndex;
  if (restIndex === -1 && args.length > fixed) {
    throw invalid(
      entrypoint,
      `takes ${fixed} positional argument${fixed === 1 ? '' : 's'} but ${args.length} were given`,
    );
  }
  const bound: unknown[] = args.slice(0, fixed);
  for (const key of Object.keys(kwargs)) {
    const index = params.findIndex((p) => p.name === key && !p.rest);
    if (index === -1) throw invalid(entrypoint, `got an unexpected keyword argument '${key}'`, key);
    if (index < args.length) throw invalid(entrypoint, `got multiple values for argument '${key}'`, key);
    while (bound.length < index) bound.push(undefined);
    bound[index] = kwargs[key];
  }
  for (let i = 0; i < bound.length; i++) bound[i] = checkType(entrypoint, params[i], bound[i]);
  if (restIndex !== -1 && args.length > fixed) {
    while (bound.length < fixed) bound.push(undefined);
    bound.push(...args.slice(fixed));
  }
  return bound;
}

/** The value as the parameter takes it; a `bigint` parameter takes integer Numbers as BigInt. */
function checkType(entrypoint: EntrypointDefinition, param: ParameterDefinition, value: unknown): unknown {
  if (value === undefined || param.type === 'any') return value;
  // The serializers give integers up to 2^53 as Numbers, larger ones as BigInt.
  if (param.type === 'bigint' && Number.isInteger(value)) return BigInt(value as number);
  if (matchesType(param.type, value)) return value;
  throw invalid(
    entrypoint,
    `argument '${param.name}' must be ${ARTICLE[param.type]}, got ${describe(value)}`,
    param.name,
  );
}

function matchesType(type: ParameterType, value: unknown): boolean {
  switch (type) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return typeof value === type;
    case 'array':
      return Array.isArray(value);
    case 'bytes':
      return value instanceof Uint8Array;
    case 'any':
      return true;
  }
}

const ARTICLE: Record<ParameterType, string> = {
  string: 'a string',
  number: 'a number',
  bigint: 'an integer',
  boolean: 'a boolean',
  array: 'a list',
  bytes: 'bytes',
  any: 'anything',
};

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'bytes';
  if (typeof value === 'bigint') return `the integer ${value} (beyond 2^53: declare the parameter bigint)`;
  return typeof value === 'object' ? 'a dictionary' : `${typeof value} ${JSON.stringify(value)}`;
}

function invalid(entrypoint: EntrypointDefinition, problem: string, parameter?: string): WampError {
  return new WampError(ErrorUri.INVALID_ARGUMENT, [`${entrypoint.method}() ${problem}`], {
    method: entrypoint.method,
    ...(parameter === undefined ? {} : { parameter }),
  });
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

/** Parameter definitions from the parsed names and the declared design types. */
export function buildParameters(
  fn: (...args: never[]) => unknown,
  designTypes: readonly unknown[],
): ParameterDefinition[] {
  return parameterNames(fn).map(({ name, rest }, i) => ({
    name,
    rest,
    type: rest ? 'any' : parameterType(designTypes[i]),
  }));
}
