import 'reflect-metadata';
import { compileSchema } from '../../src/contracts/validate';
import { ErrorUri, WampError } from '../../src/protocol/errors';
import { bindArguments, parameterNames, prepareArguments } from '../../src/service/arguments';
import { runServices } from '../../src/testing';

// Counts the argument checks compiled, compiling them as usual.
jest.mock('../../src/contracts/validate', () => {
  const actual = jest.requireActual<typeof import('../../src/contracts/validate')>(
    '../../src/contracts/validate',
  );
  return { ...actual, compileSchema: jest.fn(actual.compileSchema) };
});
const compiled = compileSchema as jest.MockedFunction<typeof compileSchema>;
import { Rpc, Service } from '../../src/service/decorators';
import { readServiceDefinition } from '../../src/service/metadata';

@Service('calc')
class Calc {
  @Rpc()
  add(a: number, b: number): number {
    return a + b;
  }
  @Rpc()
  greet(name: string, loud: boolean = false, tags: string[] = []): string {
    return `${name}${loud}${tags.length}`;
  }
  @Rpc()
  sum(label: string, ...values: number[]): string {
    return `${label}${values.length}`;
  }
  @Rpc()
  blob(data: Buffer): number {
    return data.length;
  }
}

const def = readServiceDefinition(Calc);
const entry = (m: string) => def.rpcs.find((r) => r.method === m)!;

function invalidArgument(fn: () => unknown): WampError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(WampError);
    expect((e as WampError).uri).toBe(ErrorUri.INVALID_ARGUMENT);
    return e as WampError;
  }
  throw new Error('expected wamp.error.invalid_argument');
}

describe('bindArguments', () => {
  it('maps positional args by position and kwargs by name', () => {
    expect(bindArguments(entry('add'), [1, 2], {})).toEqual([1, 2]);
    expect(bindArguments(entry('add'), [], { b: 2, a: 1 })).toEqual([1, 2]);
    expect(bindArguments(entry('add'), [1], { b: 2 })).toEqual([1, 2]);
    expect(bindArguments(entry('greet'), ['ada'], { tags: ['x'] })).toEqual(['ada', undefined, ['x']]);
  });

  it('collects extra positional args into a rest parameter', () => {
    expect(bindArguments(entry('sum'), ['s', 1, 2, 3], {})).toEqual(['s', 1, 2, 3]);
    expect(bindArguments(entry('sum'), [], { label: 's' })).toEqual(['s']);
  });

  it('checks declared primitive types, naming the parameter', () => {
    const e = invalidArgument(() => bindArguments(entry('add'), [1, '2'], {}));
    expect(e.args[0]).toBe(`add() b: expected number, got string "2"`);
    expect(e.kwargs).toEqual({
      method: 'add',
      parameter: 'b',
      path: 'b',
      expected: 'expected number',
      got: 'string "2"',
    });
    expect(invalidArgument(() => bindArguments(entry('greet'), [null], {})).args[0]).toBe(
      'greet() name: expected string, got null',
    );
    expect(invalidArgument(() => bindArguments(entry('greet'), ['a', 'yes'], {})).args[0]).toBe(
      'greet() loud: expected boolean, got string "yes"',
    );
    expect(invalidArgument(() => bindArguments(entry('greet'), ['a', true, {}], {})).args[0]).toBe(
      'greet() tags: expected array, got a dictionary',
    );
    expect(invalidArgument(() => bindArguments(entry('greet'), ['a', true, ['x', 1]], {})).args[0]).toBe(
      'greet() tags[1]: expected string, got number 1',
    );
    expect(invalidArgument(() => bindArguments(entry('blob'), ['abc'], {})).args[0]).toBe(
      'blob() data: expected bytes, got string "abc"',
    );
    expect(bindArguments(entry('blob'), [Buffer.from('abc')], {})).toHaveLength(1);
  });

  it('refuses too many args, unknown kwargs and duplicates', () => {
    expect(invalidArgument(() => bindArguments(entry('add'), [1, 2, 3], {})).args[0]).toBe(
      'add() takes 2 positional arguments but 3 were given',
    );
    expect(invalidArgument(() => bindArguments(entry('add'), [1], { c: 3 })).args[0]).toBe(
      "add() got an unexpected keyword argument 'c'",
    );
    expect(invalidArgument(() => bindArguments(entry('add'), [1], { a: 3 })).args[0]).toBe(
      "add() got multiple values for argument 'a'",
    );
    expect(invalidArgument(() => bindArguments(entry('sum'), ['s'], { values: [1] })).args[0]).toBe(
      "sum() got an unexpected keyword argument 'values'",
    );
  });
});

describe('parameterNames', () => {
  it('reads names through defaults, destructuring, comments and strings', () => {
    function f(
      a: number,
      b = '(,)',
      { c, d }: { c: number; d: number } = { c: 1, d: 2 },
      /* x, */ ...rest: unknown[]
    ) {
      return [a, b, c, d, rest];
    }
    expect(parameterNames(f)).toEqual([
      { name: 'a', rest: false },
      { name: 'b', rest: false },
      { name: 'arg2', rest: false },
      { name: 'rest', rest: true },
    ]);
    expect(parameterNames(() => 1)).toEqual([]);
    expect(parameterNames(async (x: number) => x)).toEqual([{ name: 'x', rest: false }]);
  });
});

describe('prepareArguments', () => {
  beforeEach(() => compiled.mockClear());

  it('compiles the check once, so that the first call does not', () => {
    @Service('early')
    class Early {
      @Rpc()
      twice(n: number): number {
        return n * 2;
      }
    }
    const twice = readServiceDefinition(Early).rpcs[0];
    prepareArguments(twice);
    expect(compiled).toHaveBeenCalledTimes(1);
    expect(bindArguments(twice, [2], {})).toEqual([2]);
    prepareArguments(twice);
    expect(compiled).toHaveBeenCalledTimes(1);
  });

  it('has run for every entrypoint of a started service before its first call', async () => {
    @Service('started')
    class Started {
      @Rpc()
      twice(n: number): number {
        return n * 2;
      }
    }
    const system = await runServices([Started]);
    try {
      const before = compiled.mock.calls.length;
      await expect(system.client.call('started.twice', [21])).resolves.toBe(42);
      expect(compiled.mock.calls.length).toBe(before);
      expect(before).toBeGreaterThan(0);
    } finally {
      await system.stop();
    }
  });
});

describe('plain positional arguments (the per-entrypoint fast check)', () => {
  @Service('plain')
  class Plain {
    @Rpc()
    one(a: string, b: number, c: boolean, d: unknown): string {
      return `${a}${b}${String(c)}${String(d)}`;
    }
  }
  const base = readServiceDefinition(Plain).rpcs[0];
  const values: unknown[] = ['x', '', '5', 'true', 0, -1.5, 7, NaN, Infinity, true, false, null, {}, [], [1]];
  const schemas = [{ type: 'string' }, { type: 'number' }, { type: 'integer' }, { type: 'boolean' }, true];

  /** The outcome of a call, its value or its error's URI, args and kwargs. */
  function outcome(fn: () => unknown): unknown {
    try {
      return { ok: fn() };
    } catch (err) {
      expect(err).toBeInstanceOf(WampError);
      const e = err as WampError;
      return { uri: e.uri, args: e.args, kwargs: e.kwargs };
    }
  }

  // The same check written so the fast path does not apply (one more keyword, no meaning).
  const described = (schema: (typeof schemas)[number]) =>
    schema === true ? { description: 'anything' } : { ...schema, description: 'same' };

  it.each([false, true])('gives what the whole check gives (coerce %s)', (coerce) => {
    for (const schema of schemas) {
      for (const required of [false, true]) {
        const params = (s: unknown) =>
          base.parameters.slice(0, 1).map((p) => ({ ...p, schema: s as never, required }));
        const fast = { ...base, coerce, parameters: params(schema) };
        const whole = { ...base, coerce, parameters: params(described(schema)) };
        for (const args of [[], ...values.map((v) => [v]), [undefined], ['x', 1]]) {
          const label = JSON.stringify({ schema, required, args });
          expect([label, outcome(() => bindArguments(fast, args, {}))]).toEqual([
            label,
            outcome(() => bindArguments(whole, args, {})),
          ]);
        }
      }
    }
  });

  it('leaves keyword arguments and several parameters to the whole check', () => {
    expect(bindArguments(base, ['x', 1, true, null], {})).toEqual(['x', 1, true, null]);
    expect(bindArguments(base, ['x'], { b: 2, c: false, d: 0 })).toEqual(['x', 2, false, 0]);
    const err = invalidArgument(() => bindArguments(base, ['x', '1', true, 0], {}));
    expect(err.kwargs).toMatchObject({ method: 'one', parameter: 'b', path: 'b' });
    const args = ['x', 1, true, 'y'];
    const bound = bindArguments(base, args, {}) as unknown[];
    expect(bound).toEqual(args);
    expect(bound).not.toBe(args);
  });
});
