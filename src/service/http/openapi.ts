import type { JsonSchema } from '../../contracts/types';
import type { HttpDefinition } from '../definition';
import { parseRoute } from './routes';

/** Where the HTTP server answers its OpenAPI document (unless a route of a service claims it). */
export const OPENAPI_PATH = '/openapi.json';

/** A route and the service that serves it, as the document lists them. */
export interface DocumentedRoute {
  readonly service: string;
  readonly definition: HttpDefinition;
}

type Json = Record<string, unknown>;

/**
 * The OpenAPI 3.1 document of the `@Http` routes, from their contracts: path and query
 * parameters, the JSON body's properties (POST, PUT, PATCH), the result, and the error body
 * every route may answer. JSON Schema 2020-12 is OpenAPI 3.1's own dialect, so the
 * contract's schemas go in as they are; their `$defs` become `components.schemas`.
 */
export function openApiDocument(routes: readonly DocumentedRoute[], title = 'wservice'): Json {
  const paths: Record<string, Json> = {};
  const schemas: Record<string, JsonSchema> = { WampError: ERROR_SCHEMA };
  for (const { service, definition } of routes) {
    for (const [name, schema] of Object.entries(definition.defs ?? {})) schemas[name] = components(schema);
    const template = openApiPath(definition.path);
    paths[template] ??= {};
    paths[template][definition.httpMethod.toLowerCase()] = operation(service, definition);
  }
  return {
    openapi: '3.1.0',
    info: { title, version: '1' },
    paths,
    components: { schemas },
  };
}

/** `/orders/:id` as OpenAPI writes it: `/orders/{id}`. */
function openApiPath(path: string): string {
  const segments = parseRoute(path);
  if (typeof segments === 'string') return path;
  return `/${segments.map((s) => ('param' in s ? `{${s.param}}` : s.literal)).join('/')}`;
}

function operation(service: string, route: HttpDefinition): Json {
  const inPath = new Set([...route.path.matchAll(/:([A-Za-z_$][\w$]*)/g)].map((m) => m[1]));
  const withBody = route.httpMethod === 'POST' || route.httpMethod === 'PUT' || route.httpMethod === 'PATCH';
  const parameters: Json[] = [];
  const bodyProperties: Record<string, JsonSchema> = {};
  const bodyRequired: string[] = [];
  for (const p of route.parameters) {
    if (p.rest) continue;
    const schema = components(p.schema);
    if (inPath.has(p.name)) parameters.push({ name: p.name, in: 'path', required: true, schema });
    else if (withBody) {
      bodyProperties[p.name] = schema;
      if (p.required) bodyRequired.push(p.name);
    } else parameters.push({ name: p.name, in: 'query', required: p.required, schema });
  }
  const success = String(route.options.status ?? 200);
  return {
    operationId: `${service}.${route.method}`,
    tags: [service],
    ...(route.contract.description === undefined ? {} : { description: route.contract.description }),
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(withBody && Object.keys(bodyProperties).length > 0
      ? {
          requestBody: {
            required: bodyRequired.length > 0,
            content: json({ type: 'object', properties: bodyProperties, required: bodyRequired }),
          },
        }
      : {}),
    responses: {
      [success]: { description: 'the result', content: json(components(route.contract.result)) },
      '204': { description: 'no result (the method returned nothing)' },
      default: {
        description: 'an error: its WAMP URI, args, kwargs',
        content: json({ $ref: '#/components/schemas/WampError' }),
      },
    },
  };
}

function json(schema: JsonSchema): Json {
  return { 'application/json': { schema } };
}

/** A copy of `schema` whose `#/$defs/X` references point at `#/components/schemas/X`. */
function components(schema: JsonSchema): JsonSchema {
  return JSON.parse(JSON.stringify(schema).replace(/"#\/\$defs\//g, '"#/components/schemas/')) as JsonSchema;
}

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    error: { type: 'string', description: 'the WAMP error URI' },
    args: { type: 'array' },
    kwargs: { type: 'object' },
    message: { type: 'string' },
  },
  required: ['error', 'args', 'kwargs', 'message'],
};
