/** What a remote method's promise resolves to: an async generator's return value, or the awaited result. */
export type Returned<R> = R extends AsyncGenerator<unknown, infer T, unknown> ? T : Awaited<R>;

/**
 * The remote face of a service class: each method becomes a function of the same parameters
 * returning a promise of its (awaited) result; everything that is not a method is dropped.
 * A method written as an async generator (progressive results) resolves to its return value.
 *
 * @example
 * class Greeter { hello(name: string): string { ... }; private count = 0 }
 * const greeter: ServiceProxy<Greeter> = client.proxy<Greeter>('greeter');
 * const text: string = await greeter.hello('Ada');   // calls greeter.hello
 */
export type ServiceProxy<T> = {
  -readonly [
    K in keyof T as K extends string ? (T[K] extends (...args: never[]) => unknown ? K : never) : never
  ]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Returned<R>> : never;
};

/** Calls one procedure with positional arguments and returns its value. */
export type ProxyCall = (procedure: string, args: unknown[]) => Promise<unknown>;

/**
 * A `ServiceProxy` whose method `m` calls `<service>.m` through `call`, arguments by position.
 * The proxy is not a thenable, so it may be returned from async functions and awaited safely.
 */
export function createServiceProxy<T>(service: string, call: ProxyCall): ServiceProxy<T> {
  const methods = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  return new Proxy(Object.create(null) as object, {
    get(_target, name) {
      // `then` would make `await proxy` call `<service>.then`.
      if (typeof name !== 'string' || name === 'then') return undefined;
      let method = methods.get(name);
      if (method === undefined) {
        const procedure = `${service}.${name}`;
        method = (...args: unknown[]) => call(procedure, args);
        methods.set(name, method);
      }
      return method;
    },
  }) as ServiceProxy<T>;
}
