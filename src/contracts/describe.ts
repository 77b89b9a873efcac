import type { EntrypointDefinition, ServiceDefinition } from '../service/definition';
import type { JsonSchema, ParameterContract } from './types';
import { describeSchema, signatureOf } from './validate';

/**
 * The description a service publishes (`<service>.describe`, `wservice.describe`): every
 * procedure's arguments and result and every topic's payload as standalone JSON Schema
 * 2020-12 documents, with the doc comments as descriptions. Plain JSON, so any peer in any
 * language reads it.
 */

export const SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** The procedure each service registers with its description, under wservice's namespace. */
export const DESCRIBE_PREFIX = 'wservice.describe';

export interface ParameterDescription {
  name: string;
  required: boolean;
  rest?: true;
  /** The properties of a destructured parameter, which are keyword arguments too. */
  properties?: string[];
  default?: string;
  description?: string;
  schema: JsonSchema;
  /** Why its type is "any". */
  fallback?: string;
  /** The vendor of a Standard Schema validator that refines it (`zod`...): the service checks more than the schema says. */
  refined?: string;
}

/** How to call one procedure, or what one topic's events carry. */
export interface EntrypointDescription {
  method: string;
  description?: string;
  /** Positional arguments: an array schema. */
  args: JsonSchema;
  /** Keyword arguments: an object schema. */
  kwargs: JsonSchema;
  parameters: ParameterDescription[];
  /** Only for procedures. */
  result?: JsonSchema;
  /** The progressive results of an async generator procedure. */
  progress?: JsonSchema;
  match?: string;
}

export interface ServiceDescription {
  service: string;
  className: string;
  description?: string;
  /** Where the contract came from: `typescript`, `contract-file` or `decorator-metadata`. */
  source: string;
  /** By URI. */
  procedures: Record<string, EntrypointDescription>;
  /** By topic. */
  topics: Record<string, EntrypointDescription>;
  timers: { method: string; interval: number; description?: string }[];
  /** The named types the parameters' schemas refer to (`#/$defs/<name>`). */
  $defs?: Record<string, JsonSchema>;
  warnings: string[];
}

export function describeService(definition: ServiceDefinition): ServiceDescription {
  const { contract } = definition;
  const procedures: Record<string, EntrypointDescription> = {};
  for (const rpc of definition.rpcs) {
    procedures[rpc.uri] = {
      ...describeEntrypoint(rpc, contract.$defs),
      result: standalone(rpc.contract.result, contract.$defs),
      ...(rpc.contract.progress === undefined
        ? {}
        : { progress: standalone(rpc.contract.progress, contract.$defs) }),
      ...(rpc.options.match === 'exact' ? {} : { match: rpc.options.match }),
    };
  }
  const topics: Record<string, EntrypointDescription> = {};
  for (const sub of definition.subscriptions) {
    topics[sub.topic] = {
      ...describeEntrypoint(sub, contract.$defs),
      ...(sub.options.match === 'exact' ? {} : { match: sub.options.match }),
    };
  }
  return {
    service: definition.name,
    className: contract.className,
    ...(contract.description === undefined ? {} : { description: contract.description }),
    source: contract.source,
    procedures,
    topics,
    timers: definition.timers.map((t) => ({
      method: t.method,
      interval: t.interval,
      ...(t.contract.description === undefined ? {} : { description: t.contract.description }),
    })),
    ...(contract.$defs === undefined ? {} : { $defs: contract.$defs }),
    warnings: contract.warnings,
  };
}

function describeEntrypoint(
  entrypoint: EntrypointDefinition,
  defs: Record<string, JsonSchema> | undefined,
): EntrypointDescription {
  const params = entrypoint.parameters;
  const positional = params.filter((p) => !p.rest);
  const rest = params.find((p) => p.rest);
  let minItems = 0;
  while (minItems < positional.length && positional[minItems].required) minItems++;
  const args = {
    type: 'array',
    prefixItems: positional.map((p) => described(p)),
    items: rest === undefined ? false : rest.schema,
    ...(minItems > 0 ? { minItems } : {}),
  };
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const p of positional) {
    properties[p.name] = described(p);
    if (p.required) required.push(p.name);
    for (const property of p.properties ?? []) {
      properties[property] = propertySchema(p.schema, property);
    }
  }
  const kwargs = {
    type: 'object',
    properties,
    additionalProperties: false,
    ...(required.length > 0 ? { required } : {}),
  };
  return {
    method: entrypoint.method,
    ...(entrypoint.contract.description === undefined
      ? {}
      : { description: entrypoint.contract.description }),
    args: standalone(args, defs),
    kwargs: standalone(kwargs, defs),
    parameters: params.map((p) => {
      const vendor = entrypoint.refine?.[p.name]?.['~standard'].vendor;
      return { ...parameterDescription(p), ...(vendor === undefined ? {} : { refined: vendor }) };
    }),
  };
}

function described(p: ParameterContract): JsonSchema {
  const extra = {
    title: p.name,
    ...(p.description === undefined ? {} : { description: p.description }),
  };
  return p.schema === true ? extra : p.schema === false ? false : { ...p.schema, ...extra };
}

function propertySchema(schema: JsonSchema, property: string): JsonSchema {
  if (typeof schema !== 'object') return true;
  return ((schema.properties as Record<string, JsonSchema> | undefined) ?? {})[property] ?? true;
}

function parameterDescription(p: ParameterContract): ParameterDescription {
  return {
    name: p.name,
    required: p.required,
    ...(p.rest ? { rest: true as const } : {}),
    ...(p.properties === undefined ? {} : { properties: p.properties }),
    ...(p.default === undefined ? {} : { default: p.default }),
    ...(p.description === undefined ? {} : { description: p.description }),
    schema: p.schema,
    ...(p.fallback === undefined ? {} : { fallback: p.fallback }),
  };
}

/** A schema a peer can use on its own: the dialect and the definitions it refers to. */
function standalone(schema: JsonSchema, defs: Record<string, JsonSchema> | undefined): JsonSchema {
  const body = schema === true ? {} : schema === false ? { not: {} } : schema;
  const refers = defs !== undefined && JSON.stringify(body).includes('"#/$defs/');
  return { $schema: SCHEMA_DIALECT, ...body, ...(refers ? { $defs: defs } : {}) };
}

/** `orders.place(order: Order, priority?: number): Receipt`, for people. */
export function procedureSignature(uri: string, p: EntrypointDescription): string {
  const signature = `${uri}${signatureOf(p.parameters.map((x) => ({ ...x, rest: x.rest === true })))}`;
  return p.result === undefined
    ? signature
    : `${signature}: ${describeSchema(bare(p.result), undefined, true)}`;
}

/** A standalone schema without its dialect and definitions (`true` when nothing is left). */
function bare(schema: JsonSchema): JsonSchema {
  if (typeof schema !== 'object') return schema;
  const { $schema: _s, $defs: _d, ...rest } = schema;
  return Object.keys(rest).length === 0 ? true : rest;
}
