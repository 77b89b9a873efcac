import type { EntrypointDescription, ParameterDescription, ServiceDescription } from '../describe';
import { TYPESCRIPT_NAME } from '../schema';
import type { JsonSchema } from '../types';

/**
 * What `wservice codegen` generates from: the services' descriptions (`wservice.describe`)
 * read into the procedures a client calls, with one name per named type. Each language
 * (`typescript.ts`, `python.ts`) renders the same model.
 */

/** A schema node as the generators read it. */
export type SchemaNode = { [keyword: string]: unknown };

/** One callable procedure: a method of the generated service class. */
export interface ProcedureModel {
  uri: string;
  method: string;
  description?: string;
  parameters: ParameterDescription[];
  result: JsonSchema;
}

export interface ServiceModel {
  service: string;
  className: string;
  description?: string;
  /** `OrdersService` for service `orders`. */
  typeName: string;
  procedures: ProcedureModel[];
  /** Pattern procedures (prefix / wildcard) cannot be called by their URI: left out, listed here. */
  skipped: string[];
  $defs: Record<string, JsonSchema>;
}

/** A named type to declare: an interface or class of the service's source, or a `$defs` entry. */
export interface Declaration {
  name: string;
  schema: JsonSchema;
  /** The service whose `$defs` the schema's references point into. */
  service: ServiceModel;
}

/** `orders` → `Orders`, `app.billing-v2` → `AppBillingV2`. */
export function pascalCase(text: string): string {
  const words = text.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  const joined = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  return /^[0-9]/.test(joined) ? `_${joined}` : joined || 'Service';
}

export function readServices(descriptions: readonly ServiceDescription[]): ServiceModel[] {
  return [...descriptions]
    .sort((a, b) => a.service.localeCompare(b.service))
    .map((d) => {
      const procedures: ProcedureModel[] = [];
      const skipped: string[] = [];
      for (const [uri, p] of Object.entries(d.procedures)) {
        if (p.match !== undefined && p.match !== 'exact') skipped.push(uri);
        else procedures.push(procedureModel(uri, p));
      }
      return {
        service: d.service,
        className: d.className,
        ...(d.description === undefined ? {} : { description: d.description }),
        typeName: `${pascalCase(d.service)}Service`,
        procedures,
        skipped,
        $defs: d.$defs ?? {},
      };
    });
}

function procedureModel(uri: string, p: EntrypointDescription): ProcedureModel {
  return {
    uri,
    method: p.method,
    ...(p.description === undefined ? {} : { description: p.description }),
    parameters: p.parameters,
    result: bare(p.result ?? true),
  };
}

/** A standalone schema without its dialect and definitions. */
function bare(schema: JsonSchema): JsonSchema {
  if (typeof schema !== 'object') return schema;
  const { $schema: _s, $defs: _d, ...rest } = schema;
  return Object.keys(rest).length === 0 ? true : rest;
}

/**
 * Gives each named type one name across every service: a type of the same name and shape
 * in two services (a `Receipt` both `orders` and `payments` return) is declared once, two
 * different types of one name become `Order` and `Order2`. Declarations are handed out in
 * the order they are first referred to, so output is stable.
 */
export class TypeNames {
  private readonly byShape = new Map<string, string>();
  private readonly byDef = new Map<string, string>();
  private readonly taken = new Set<string>();
  private readonly queue: Declaration[] = [];

  constructor(reserved: Iterable<string>) {
    for (const name of reserved) this.taken.add(name);
  }

  /** The name a schema node is referred to by, or undefined for an inline type. */
  refer(node: SchemaNode, service: ServiceModel): string | undefined {
    if (typeof node.$ref === 'string') {
      const def = node.$ref.replace(/^#\/\$defs\//, '');
      const key = `${service.service}#${def}`;
      let name = this.byDef.get(key);
      if (name === undefined) {
        const schema = service.$defs[def] ?? true;
        const own = typeof schema === 'object' ? schema[TYPESCRIPT_NAME] : undefined;
        name = this.allocate(typeof own === 'string' ? own : def);
        this.byDef.set(key, name);
        this.queue.push({ name, schema, service });
      }
      return name;
    }
    const own = node[TYPESCRIPT_NAME];
    if (typeof own !== 'string' || node.type !== 'object') return undefined;
    const { description: _d, ...shape } = node;
    const key = `${own}\n${JSON.stringify(shape)}`;
    let name = this.byShape.get(key);
    if (name === undefined) {
      name = this.allocate(own);
      this.byShape.set(key, name);
      this.queue.push({ name, schema: node, service });
    }
    return name;
  }

  /** The next declaration to render (rendering it may queue more), or undefined when done. */
  next(): Declaration | undefined {
    return this.queue.shift();
  }

  private allocate(wanted: string): string {
    const base = pascalCase(wanted);
    let name = base;
    for (let i = 2; this.taken.has(name); i++) name = `${base}${i}`;
    this.taken.add(name);
    return name;
  }
}

/** The schema as an object node; `true` (any) and `false` as empty and impossible nodes. */
export function nodeOf(schema: JsonSchema | undefined): SchemaNode | boolean {
  if (schema === undefined || schema === true) return true;
  if (schema === false) return false;
  return schema;
}
