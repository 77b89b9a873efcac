import {
  callValue,
  createServiceProxy,
  valueOfResult,
  type ProxyCallOptions,
  type ServiceProxy,
} from '../../src/client/proxy';
import { CallResult } from '../../src/client/types';

/** True when A and B are the same type (compile-time; checked by `tsc`). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

class Greeter {
  greeting = 'Hello';
  private count = 0;
  hello(name: string): string {
    this.count += 1;
    return `${this.greeting} ${name}`;
  }
  async translate(text: string, lang?: 'fr' | 'de'): Promise<{ text: string }> {
    return { text: `${lang}:${text}` };
  }
  nothing(): void {}
  readonly arrow = (n: number): number => n * 2;
  async *countTo(to: number): AsyncGenerator<number, 'done'> {
    for (let i = 0; i < to; i++) yield i;
    return 'done';
  }
}

describe('ServiceProxy<T>', () => {
  it('maps methods to promise-returning functions of the same parameters and drops the rest', () => {
    const exact: Equals<
      Omit<ServiceProxy<Greeter>, '$with'>,
      {
        hello: (name: string) => Promise<string>;
        translate: (text: string, lang?: 'fr' | 'de') => Promise<{ text: string }>;
        nothing: () => Promise<void>;
        arrow: (n: number) => Promise<number>;
        countTo: (to: number) => Promise<'done'>;
      }
    > = true;
    expect(exact).toBe(true);
  });
});

describe('createServiceProxy', () => {
  it('calls <service>.<method> with positional arguments and returns the value', async () => {
    const calls: [string, unknown[]][] = [];
    const proxy = createServiceProxy<Greeter>('greeter', async (procedure, args) => {
      calls.push([procedure, args]);
      return `${procedure}(${args.join(',')})`;
    });
    await expect(proxy.hello('Ada')).resolves.toBe('greeter.hello(Ada)');
    await proxy.translate('hi', 'fr');
    await proxy.nothing();
    expect(calls).toEqual([
      ['greeter.hello', ['Ada']],
      ['greeter.translate', ['hi', 'fr']],
      ['greeter.nothing', []],
    ]);
    expect(proxy.hello).toBe(proxy.hello);
  });

  it('is not a thenable, so it can be awaited and returned from async code', async () => {
    const proxy = createServiceProxy<Greeter>('greeter', async () => 'x');
    const awaited = await Promise.resolve(proxy);
    expect(awaited).toBe(proxy);
    expect((proxy as unknown as { then?: unknown }).then).toBeUndefined();
    expect((proxy as unknown as Record<symbol, unknown>)[Symbol.iterator]).toBeUndefined();
  });

  it('applies $with options to the calls made through it, without changing the original', async () => {
    const seen: [string, ProxyCallOptions][] = [];
    const proxy = createServiceProxy<Greeter>('greeter', async (procedure, _args, options) => {
      seen.push([procedure, options]);
      return undefined;
    });
    const onProgress = (): void => undefined;
    const timed = proxy.$with({ timeout: 500 });
    await timed.$with({ onProgress }).hello('a');
    await timed.hello('b');
    await proxy.hello('c');
    expect(seen).toEqual([
      ['greeter.hello', { timeout: 500, onProgress }],
      ['greeter.hello', { timeout: 500 }],
      ['greeter.hello', {}],
    ]);
  });

  it('resolves procedure URIs through a function when given one', async () => {
    const calls: string[] = [];
    const proxy = createServiceProxy<Greeter>(
      (method) => (method === 'hello' ? 'greeter.v2.hello' : `greeter.${method}`),
      async (procedure) => calls.push(procedure),
    );
    await proxy.hello('x');
    await proxy.nothing();
    expect(calls).toEqual(['greeter.v2.hello', 'greeter.nothing']);
  });

  it('leaves lifecycle hooks out of the type', () => {
    class WithHooks {
      onStart(): void {}
      onStop(): void {}
      work(): number {
        return 1;
      }
    }
    const exact: Equals<Omit<ServiceProxy<WithHooks>, '$with'>, { work: () => Promise<number> }> = true;
    expect(exact).toBe(true);
  });

  it('passes the callee failure through', async () => {
    const proxy = createServiceProxy<Greeter>('greeter', async () => {
      throw new Error('nope');
    });
    await expect(proxy.hello('x')).rejects.toThrow('nope');
  });
});

describe('callValue', () => {
  it.each([
    ['no arguments: undefined', new CallResult([], {}, {}), undefined],
    ['one argument: that argument', new CallResult([42], {}, {}), 42],
    ['one array argument: the array', new CallResult([[1, 2]], {}, {}), [1, 2]],
  ])('%s', (_name, result, value) => {
    expect(callValue(result)).toEqual(value);
  });

  it('returns the whole CallResult for several arguments or any kwargs', () => {
    const several = new CallResult([1, 2], {}, {});
    const withKwargs = new CallResult([1], { unit: 'kg' }, {});
    const onlyKwargs = new CallResult([], { a: 1 }, {});
    expect(callValue(several)).toBe(several);
    expect(callValue(withKwargs)).toBe(withKwargs);
    expect(callValue(onlyKwargs)).toBe(onlyKwargs);
  });
});

describe('valueOfResult (a RESULT read as callValue reads its CallResult)', () => {
  it.each([
    ['no payload', undefined, undefined],
    ['no arguments', [], {}],
    ['one argument', [42], undefined],
    ['one array argument', [[1, 2]], {}],
    ['several arguments', [1, 2], undefined],
    ['an argument and kwargs', [1], { unit: 'kg' }],
    ['only kwargs', undefined, { a: 1 }],
  ])('%s', (_name, args, kwargs) => {
    const details = { x_trace: 't' };
    const expected = callValue(new CallResult(args ?? [], kwargs ?? {}, details));
    const value = valueOfResult(args, kwargs, details);
    expect(value).toEqual(expected);
    expect(value instanceof CallResult).toBe(expected instanceof CallResult);
  });

  it('does not count inherited keys as kwargs', () => {
    const kwargs = Object.create({ inherited: 1 }) as Record<string, unknown>;
    expect(valueOfResult([7], kwargs, {})).toBe(7);
  });
});
