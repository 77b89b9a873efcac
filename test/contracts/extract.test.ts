import Ajv2020 from 'ajv/dist/2020';
import { Rpc, Service, Subscribe, Timer } from '../../src';
import { readServiceDefinition } from '../../src/service/metadata';

/** What the compiler derives from a service's source, type form by type form. */

enum Colour {
  Red = 'red',
  Green = 'green',
}

interface Node {
  value: number;
  children: Node[];
}

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
  private secret = 1;
  norm(): number {
    return Math.hypot(this.x, this.y) + this.secret;
  }
}

type Sku = string & { readonly brand: unique symbol };

/** Every type form a parameter may have. */
@Service('forms')
class Forms {
  /**
   * Takes one of each.
   * @param text - some words
   */
  @Rpc()
  primitives(text: string, count: number, flag: boolean, big: bigint, nothing: null): void {
    void [text, count, flag, big, nothing];
  }

  @Rpc()
  literals(kind: 'a' | 'b', one: 1, yes: true, colour: Colour): void {
    void [kind, one, yes, colour];
  }

  @Rpc()
  composites(
    list: string[],
    pair: [string, number?],
    map: Record<string, number>,
    tree: Node,
    point: Point,
    union: string | number,
    sku: Sku,
  ): void {
    void [list, pair, map, tree, point, union, sku];
  }

  @Rpc()
  special(when: Date, data: Uint8Array): Promise<Date> {
    return Promise.resolve(when ?? data);
  }

  @Rpc()
  shapes(required: string, optional?: number, withDefault = 'x', ...rest: boolean[]): string {
    return `${required}${optional}${withDefault}${rest.length}`;
  }

  @Rpc()
  destructured({ name, qty }: { name: string; qty?: number }): string {
    return `${name}${qty}`;
  }

  @Rpc()
  untyped(callback: () => void, lookup: Map<string, number>): void {
    void [callback, lookup];
  }

  @Rpc()
  async *count(to: number): AsyncGenerator<number, string> {
    for (let i = 1; i <= to; i++) yield i;
    return 'done';
  }

  @Subscribe('forms.changed')
  changed(id: string, at?: Date): void {
    void [id, at];
  }

  @Timer(1000)
  tick(): void {}
}

const definition = readServiceDefinition(Forms);
const method = (name: string) => definition.contract.methods[name];
const schemas = (name: string) => Object.fromEntries(method(name).parameters.map((p) => [p.name, p.schema]));

describe('contracts derived from TypeScript', () => {
  it('reads primitives, bigint and null, with doc comments', () => {
    expect(definition.contract.description).toBe('Every type form a parameter may have.');
    expect(method('primitives').description).toBe('Takes one of each.');
    expect(method('primitives').parameters[0]).toEqual({
      name: 'text',
      schema: { type: 'string' },
      required: true,
      rest: false,
      description: 'some words',
    });
    expect(schemas('primitives')).toEqual({
      text: { type: 'string' },
      count: { type: 'number' },
      flag: { type: 'boolean' },
      big: { type: 'integer', 'x-wservice-type': 'bigint' },
      nothing: { type: 'null' },
    });
    expect(method('primitives').result).toEqual({ type: 'null' });
  });

  it('reads literal types and enums', () => {
    expect(schemas('literals')).toEqual({
      kind: { enum: ['a', 'b'] },
      one: { const: 1 },
      yes: { const: true },
      colour: { enum: ['red', 'green'] },
    });
  });

  it('reads arrays, tuples, records, recursive interfaces, classes, unions and branded types', () => {
    const node = { $ref: '#/$defs/Node' };
    expect(schemas('composites')).toEqual({
      list: { type: 'array', items: { type: 'string' } },
      pair: {
        type: 'array',
        prefixItems: [{ type: 'string' }, { type: 'number' }],
        items: false,
        minItems: 1,
        maxItems: 2,
      },
      map: { type: 'object', additionalProperties: { type: 'number' } },
      tree: node,
      point: {
        'x-typescript': 'Point',
        type: 'object',
        properties: { x: { type: 'number' }, y: { type: 'number' } },
        required: ['x', 'y'],
      },
      union: { anyOf: [{ type: 'string' }, { type: 'number' }] },
      sku: { type: 'string' },
    });
    expect(definition.contract.$defs).toEqual({
      Node: {
        'x-typescript': 'Node',
        type: 'object',
        properties: { value: { type: 'number' }, children: { type: 'array', items: node } },
        required: ['value', 'children'],
      },
    });
  });

  it('reads Date and bytes as they travel, and unwraps a promised result', () => {
    expect(schemas('special')).toEqual({
      when: { type: 'string', format: 'date-time', 'x-wservice-type': 'Date' },
      data: { type: 'string', contentEncoding: 'base64', 'x-wservice-type': 'bytes' },
    });
    expect(method('special').result).toEqual({
      type: 'string',
      format: 'date-time',
      'x-wservice-type': 'Date',
    });
  });

  it('reads required, optional, default and rest parameters, and destructured properties', () => {
    expect(
      method('shapes').parameters.map(({ name, required, rest, default: d }) => ({
        name,
        required,
        rest,
        d,
      })),
    ).toEqual([
      { name: 'required', required: true, rest: false, d: undefined },
      { name: 'optional', required: false, rest: false, d: undefined },
      { name: 'withDefault', required: false, rest: false, d: "'x'" },
      { name: 'rest', required: false, rest: true, d: undefined },
    ]);
    expect(method('shapes').parameters[3].schema).toEqual({ type: 'boolean' });
    expect(method('destructured').parameters).toEqual([
      {
        name: 'arg0',
        properties: ['name', 'qty'],
        required: true,
        rest: false,
        schema: {
          type: 'object',
          properties: { name: { type: 'string' }, qty: { type: 'number' } },
          required: ['name'],
        },
      },
    ]);
  });

  it('reads an async generator: its yields as progress, its return as the result', () => {
    expect(method('count').progress).toEqual({ type: 'number' });
    expect(method('count').result).toEqual({ type: 'string' });
  });

  it('covers @Subscribe and @Timer methods', () => {
    expect(schemas('changed')).toEqual({
      id: { type: 'string' },
      at: { type: 'string', format: 'date-time', 'x-wservice-type': 'Date' },
    });
    expect(method('tick').parameters).toEqual([]);
  });

  it('falls back to "any" where a type cannot travel, and says which parameter', () => {
    expect(schemas('untyped')).toEqual({ callback: true, lookup: true });
    expect(definition.contract.warnings).toEqual([
      'Forms.untyped(callback): callback is a function, which cannot travel over WAMP, checked as any',
      'Forms.untyped(lookup): lookup is a Map, which does not travel over WAMP (use an object or array), checked as any',
    ]);
  });

  it('writes schemas that are valid JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ strict: false });
    for (const [name, contract] of Object.entries(definition.contract.methods)) {
      for (const p of contract.parameters) {
        const schema = { $defs: definition.contract.$defs, ...(p.schema === true ? {} : p.schema) };
        expect([name, p.name, ajv.validateSchema(schema)]).toEqual([name, p.name, true]);
      }
    }
  });
});
