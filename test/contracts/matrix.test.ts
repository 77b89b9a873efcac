import { connect, RemoteError, Rpc, Service, type Kwargs } from '../../src';
import { runServices, type TestSystem } from '../../src/testing';
import { callFromPython, type PythonCall } from '../helpers/autobahn-python';
import { connect as connectAutobahn, type SerializerKind } from '../router/helpers/autobahn';

/**
 * Every type form a contract derives × a valid and an invalid value × three callers (our
 * client, autobahn-js, autobahn-python) × three serializers (JSON, msgpack, CBOR): valid
 * ones accepted with the value the method saw, invalid ones refused with
 * wamp.error.invalid_argument naming the path. One system for the file; Python runs one
 * process per serializer with every case.
 */

interface Line {
  sku: string;
  qty: number;
}

interface Order {
  id: string;
  items: Line[];
  note?: string;
}

enum Colour {
  Red = 'red',
  Green = 'green',
}

/** What a method saw: its type and value, so a conversion shows. */
function seen(value: unknown): string {
  if (value instanceof Date) return `Date ${value.toISOString()}`;
  if (typeof value === 'bigint') return `bigint ${value}`;
  if (value instanceof Uint8Array) return `bytes ${[...value].join(',')}`;
  return `${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value} ${JSON.stringify(value)}`;
}

@Service('forms')
class Forms {
  @Rpc()
  text(v: string): string {
    return seen(v);
  }

  @Rpc()
  num(v: number): string {
    return seen(v);
  }

  @Rpc()
  flag(v: boolean): string {
    return seen(v);
  }

  @Rpc()
  nothing(v: null): string {
    return seen(v);
  }

  @Rpc()
  optional(a: string, b?: number): string {
    return `${seen(a)}, ${seen(b ?? 'unset')}`;
  }

  @Rpc()
  defaulted(n: number = 3): string {
    return seen(n);
  }

  @Rpc()
  rest(first: string, ...more: number[]): string {
    return `${seen(first)}, ${seen(more)}`;
  }

  @Rpc()
  union(v: string | number): string {
    return seen(v);
  }

  @Rpc()
  literal(v: 'a' | 'b' | 3): string {
    return seen(v);
  }

  @Rpc()
  enumerated(v: Colour): string {
    return seen(v);
  }

  @Rpc()
  list(v: number[]): string {
    return seen(v);
  }

  @Rpc()
  tuple(v: [string, number]): string {
    return seen(v);
  }

  @Rpc()
  record(v: Record<string, number>): string {
    return seen(v);
  }

  @Rpc()
  nested(order: Order): string {
    return seen(order);
  }

  @Rpc()
  date(at: Date): string {
    return seen(at);
  }

  @Rpc()
  big(n: bigint): string {
    return seen(n);
  }

  @Rpc()
  bytes(data: Uint8Array): string {
    return seen(data);
  }
}

/** A case: what is sent, and what comes back (the method's `seen`) or the refusal. */
interface Case {
  form: string;
  procedure: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  ok?: string;
  refused?: { message: string; path: string };
}

const order = { id: 'o1', items: [{ sku: 'a', qty: 1 }] };

const CASES: Case[] = [
  { form: 'string', procedure: 'forms.text', args: ['x'], ok: 'string "x"' },
  {
    form: 'string',
    procedure: 'forms.text',
    args: [5],
    refused: { message: 'text() v: expected string, got number 5', path: 'v' },
  },
  { form: 'number', procedure: 'forms.num', args: [2.5], ok: 'number 2.5' },
  {
    form: 'number',
    procedure: 'forms.num',
    args: ['5'],
    refused: { message: 'num() v: expected number, got string "5"', path: 'v' },
  },
  { form: 'boolean', procedure: 'forms.flag', kwargs: { v: true }, ok: 'boolean true' },
  {
    form: 'boolean',
    procedure: 'forms.flag',
    args: [1],
    refused: { message: 'flag() v: expected boolean, got number 1', path: 'v' },
  },
  { form: 'null', procedure: 'forms.nothing', args: [null], ok: 'null null' },
  {
    form: 'null',
    procedure: 'forms.nothing',
    args: [0],
    refused: { message: 'nothing() v: expected null, got number 0', path: 'v' },
  },
  { form: 'optional', procedure: 'forms.optional', args: ['a'], ok: 'string "a", string "unset"' },
  { form: 'optional', procedure: 'forms.optional', kwargs: { a: 'a', b: 2 }, ok: 'string "a", number 2' },
  {
    form: 'optional',
    procedure: 'forms.optional',
    kwargs: { b: 2 },
    refused: { message: "optional() missing required argument 'a'", path: 'a' },
  },
  {
    form: 'optional',
    procedure: 'forms.optional',
    kwargs: { a: 'a', c: 1 },
    refused: { message: "optional() got an unexpected keyword argument 'c'", path: 'c' },
  },
  { form: 'default', procedure: 'forms.defaulted', ok: 'number 3' },
  {
    form: 'default',
    procedure: 'forms.defaulted',
    args: ['4'],
    refused: { message: 'defaulted() n: expected number, got string "4"', path: 'n' },
  },
  { form: 'rest', procedure: 'forms.rest', args: ['a', 1, 2], ok: 'string "a", array [1,2]' },
  {
    form: 'rest',
    procedure: 'forms.rest',
    args: ['a', 1, 'two'],
    refused: { message: 'rest() more[1]: expected number, got string "two"', path: 'more[1]' },
  },
  { form: 'union', procedure: 'forms.union', args: [7], ok: 'number 7' },
  {
    form: 'union',
    procedure: 'forms.union',
    args: [false],
    refused: { message: 'union() v: expected string | number, got boolean false', path: 'v' },
  },
  { form: 'literal', procedure: 'forms.literal', args: [3], ok: 'number 3' },
  {
    form: 'literal',
    procedure: 'forms.literal',
    args: ['c'],
    refused: { message: 'literal() v: expected one of "a", "b", 3, got string "c"', path: 'v' },
  },
  { form: 'enum', procedure: 'forms.enumerated', args: ['green'], ok: 'string "green"' },
  {
    form: 'enum',
    procedure: 'forms.enumerated',
    args: ['blue'],
    refused: { message: 'enumerated() v: expected one of "red", "green", got string "blue"', path: 'v' },
  },
  { form: 'array', procedure: 'forms.list', args: [[1, 2]], ok: 'array [1,2]' },
  {
    form: 'array',
    procedure: 'forms.list',
    args: [[1, '2']],
    refused: { message: 'list() v[1]: expected number, got string "2"', path: 'v[1]' },
  },
  { form: 'tuple', procedure: 'forms.tuple', args: [['a', 1]], ok: 'array ["a",1]' },
  {
    form: 'tuple',
    procedure: 'forms.tuple',
    args: [['a']],
    refused: { message: 'tuple() v: expected at least 2 items, got a list', path: 'v' },
  },
  { form: 'record', procedure: 'forms.record', args: [{ x: 1, y: 2 }], ok: 'object {"x":1,"y":2}' },
  {
    form: 'record',
    procedure: 'forms.record',
    args: [{ x: 1, y: 'two' }],
    refused: { message: 'record() v.y: expected number, got string "two"', path: 'v.y' },
  },
  {
    form: 'nested object',
    procedure: 'forms.nested',
    kwargs: { order },
    ok: `object ${JSON.stringify(order)}`,
  },
  {
    form: 'nested object',
    procedure: 'forms.nested',
    args: [
      {
        id: 'o1',
        items: [
          { sku: 'a', qty: 1 },
          { sku: 'b', qty: '5' },
        ],
      },
    ],
    refused: {
      message: 'nested() order.items[1].qty: expected number, got string "5"',
      path: 'order.items[1].qty',
    },
  },
  {
    form: 'nested object',
    procedure: 'forms.nested',
    args: [{ id: 'o1', items: [{ qty: 1 }] }],
    refused: { message: 'nested() order.items[0].sku: missing (required)', path: 'order.items[0].sku' },
  },
  {
    form: 'Date',
    procedure: 'forms.date',
    args: ['2026-01-02T03:04:05Z'],
    ok: 'Date 2026-01-02T03:04:05.000Z',
  },
  {
    form: 'Date',
    procedure: 'forms.date',
    args: ['tomorrow'],
    refused: {
      message: 'date() at: expected an ISO 8601 date-time string, got string "tomorrow"',
      path: 'at',
    },
  },
  { form: 'bigint', procedure: 'forms.big', args: [42], ok: 'bigint 42' },
  {
    form: 'bigint',
    procedure: 'forms.big',
    args: [1.5],
    refused: { message: 'big() n: expected an integer, got number 1.5', path: 'n' },
  },
  // `{ $bytes: [...] }`: bytes, as each caller sends them (binary in msgpack and CBOR, "\0" + base64 in JSON).
  { form: 'Uint8Array', procedure: 'forms.bytes', args: [{ $bytes: [1, 2, 255] }], ok: 'bytes 1,2,255' },
  {
    form: 'Uint8Array',
    procedure: 'forms.bytes',
    args: [[1, 2]],
    refused: { message: 'bytes() data: expected bytes, got a list', path: 'data' },
  },
];

/**
 * `{ $bytes: [...] }` made bytes for a JavaScript caller: a Uint8Array, or for autobahn-js
 * over JSON, whose serializer has no binary, the WAMP spec's JSON form ("\0" + base64).
 */
function withBytes(value: unknown, jsonString = false): unknown {
  if (Array.isArray(value)) return value.map((v) => withBytes(v, jsonString));
  if (value === null || typeof value !== 'object') return value;
  const bytes = (value as { $bytes?: number[] }).$bytes;
  if (bytes !== undefined) {
    return jsonString ? `\0${Buffer.from(bytes).toString('base64')}` : Uint8Array.from(bytes);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withBytes(v, jsonString)]));
}

/** What a caller got, in one comparable shape. */
type Outcome = { ok: unknown } | { refused: { error: string; message: unknown; path: unknown } };

const expected: Outcome[] = CASES.map((c) =>
  c.refused === undefined
    ? { ok: c.ok }
    : { refused: { error: 'wamp.error.invalid_argument', message: c.refused.message, path: c.refused.path } },
);

/** Each outcome beside its case, so a failure says which form and value. */
const labelled = (outcomes: Outcome[]) =>
  outcomes.map((o, i) => ({ form: CASES[i].form, sent: CASES[i].args ?? CASES[i].kwargs ?? [], ...o }));

const refusedOf = (error: string, args: unknown[], kwargs: Record<string, unknown> | undefined): Outcome => ({
  // An unknown keyword is named as the parameter it is not.
  refused: { error, message: args[0], path: kwargs?.path ?? kwargs?.parameter },
});

let system: TestSystem;
beforeAll(async () => {
  system = await runServices([Forms]);
});
afterAll(() => system?.stop());

const SERIALIZERS: SerializerKind[] = ['json', 'msgpack', 'cbor'];

describe.each(SERIALIZERS)('over %s', (serializer) => {
  it('our client', async () => {
    const client = await connect({ url: system.url, realm: system.realm, serializer, reconnect: false });
    try {
      const outcomes: Outcome[] = [];
      for (const c of CASES) {
        try {
          const [args, kwargs] = [withBytes(c.args ?? []), withBytes(c.kwargs ?? {})] as const;
          outcomes.push({ ok: await client.call(c.procedure, args as unknown[], kwargs as Kwargs) });
        } catch (err) {
          if (!(err instanceof RemoteError)) throw err;
          outcomes.push(refusedOf(err.uri, err.args, err.kwargs));
        }
      }
      expect(labelled(outcomes)).toEqual(labelled(expected));
    } finally {
      await client.close();
    }
  });

  it('autobahn-js', async () => {
    const peer = await connectAutobahn({ transport: 'websocket', url: system.url, serializer });
    try {
      const outcomes: Outcome[] = [];
      for (const c of CASES) {
        try {
          outcomes.push({
            ok: await peer.session.call(
              c.procedure,
              withBytes(c.args ?? [], serializer === 'json'),
              withBytes(c.kwargs ?? {}, serializer === 'json'),
            ),
          });
        } catch (err) {
          const e = err as { error: string; args: unknown[]; kwargs: Record<string, unknown> };
          if (typeof e?.error !== 'string') throw err;
          outcomes.push(refusedOf(e.error, e.args, e.kwargs));
        }
      }
      expect(labelled(outcomes)).toEqual(labelled(expected));
    } finally {
      await peer.close();
    }
  });

  it('autobahn-python', async () => {
    const calls: PythonCall[] = CASES.map((c) => ({
      procedure: c.procedure,
      args: c.args ?? [],
      kwargs: c.kwargs ?? {},
    }));
    const results = await callFromPython(system.url, system.realm, calls, serializer);
    const outcomes = results.map((r): Outcome =>
      'ok' in r ? { ok: r.ok } : refusedOf(r.error, r.args, r.kwargs),
    );
    expect(labelled(outcomes)).toEqual(labelled(expected));
  }, 30_000);
});
