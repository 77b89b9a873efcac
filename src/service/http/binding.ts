import { WSERVICE_TYPE } from '../../contracts/schema';
import type { JsonSchema } from '../../contracts/types';
import { ErrorUri, WampError } from '../../protocol/errors';
import type { Kwargs } from '../../protocol/messages';
import type { HttpDefinition } from '../definition';

/**
 * The keyword arguments of one request: path parameters, then query parameters, then the
 * keys of a JSON object body. Path and query values are text, read as the type the contract
 * declares for their parameter (`?qty=2` is the number 2 for `qty: number`, `?tag=a&tag=b`
 * a list for `tag: string[]`); what does not read as that type stays text, for the binder to
 * refuse by name. A name given twice is refused as the binder refuses it.
 */
export function requestKwargs(
  route: HttpDefinition,
  params: Record<string, string>,
  query: URLSearchParams | undefined,
  body: unknown,
): Kwargs {
  const kwargs: Kwargs = {};
  for (const name of Object.keys(params))
    kwargs[name] = fromText([params[name]], schemaOf(route, name), route);
  if (query !== undefined) {
    for (const name of new Set(query.keys())) {
      if (name in kwargs) throw twice(route, name);
      kwargs[name] = fromText(query.getAll(name), schemaOf(route, name), route);
    }
  }
  if (body === undefined) return kwargs;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new WampError(
      ErrorUri.INVALID_ARGUMENT,
      [`${route.method}() the body must be a JSON object of arguments by name`],
      { method: route.method },
    );
  }
  for (const name of Object.keys(body)) {
    if (name in kwargs) throw twice(route, name);
    kwargs[name] = (body as Record<string, unknown>)[name];
  }
  return kwargs;
}

function twice(route: HttpDefinition, name: string): WampError {
  return new WampError(
    ErrorUri.INVALID_ARGUMENT,
    [`${route.method}() got multiple values for argument '${name}'`],
    {
      method: route.method,
      parameter: name,
    },
  );
}

/** The schema of a parameter, or of a destructured parameter's property, by name. */
function schemaOf(route: HttpDefinition, name: string): JsonSchema {
  const param = route.parameters.find((p) => p.name === name && !p.rest);
  if (param !== undefined) return param.schema;
  const owner = route.parameters.find((p) => p.properties?.includes(name));
  if (owner === undefined) return true;
  const object = resolve(owner.schema, route);
  const properties =
    typeof object === 'object' ? (object.properties as Record<string, JsonSchema>) : undefined;
  return properties?.[name] ?? true;
}

/** `{ $ref: '#/$defs/Order' }` as the schema it names. */
function resolve(schema: JsonSchema, route: HttpDefinition): JsonSchema {
  for (let hops = 0; hops < 8 && typeof schema === 'object' && typeof schema.$ref === 'string'; hops++) {
    const name = /^#\/\$defs\/(.+)$/.exec(schema.$ref)?.[1];
    const next = name === undefined ? undefined : route.defs?.[name];
    if (next === undefined) return true;
    schema = next;
  }
  return schema;
}

/** The values of one name, as its schema's type: one value, or a list for an array type. */
function fromText(values: string[], schema: JsonSchema, route: HttpDefinition): unknown {
  const resolved = resolve(schema, route);
  const types = typesOf(resolved, route);
  if (types.has('array') && !types.has('string')) {
    const items = typeof resolved === 'object' ? ((resolved.items as JsonSchema | undefined) ?? true) : true;
    return values.map((v) => scalar(v, typesOf(resolve(items, route), route), isBigint(items, route)));
  }
  const converted = values.map((v) => scalar(v, types, isBigint(resolved, route)));
  return converted.length === 1 ? converted[0] : converted;
}

/** The JSON types a schema admits (through unions and enums); empty for "any". */
function typesOf(schema: JsonSchema, route: HttpDefinition, depth = 0): Set<string> {
  const types = new Set<string>();
  if (typeof schema !== 'object' || depth > 8) return types;
  const { type } = schema;
  if (typeof type === 'string') types.add(type);
  else if (Array.isArray(type)) for (const t of type) types.add(String(t));
  for (const value of [...((schema.enum as unknown[]) ?? []), ...('const' in schema ? [schema.const] : [])])
    types.add(value === null ? 'null' : typeof value);
  for (const key of ['anyOf', 'oneOf'] as const) {
    for (const member of (schema[key] as JsonSchema[] | undefined) ?? [])
      for (const t of typesOf(resolve(member, route), route, depth + 1)) types.add(t);
  }
  return types;
}

function isBigint(schema: JsonSchema, route: HttpDefinition): boolean {
  const resolved = resolve(schema, route);
  return typeof resolved === 'object' && resolved[WSERVICE_TYPE] === 'bigint';
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** One text value as the first of `types` it reads as; text when it reads as none, or a string is allowed. */
function scalar(text: string, types: Set<string>, bigint: boolean): unknown {
  if (types.size === 0 || types.has('string')) return text;
  if (bigint && /^-?\d+$/.test(text)) return BigInt(text);
  if ((types.has('number') || types.has('integer')) && NUMBER.test(text)) return Number(text);
  if (types.has('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  if (types.has('null') && text === 'null') return null;
  return text;
}
