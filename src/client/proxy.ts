import { hasKeys } from '../protocol/fields';
import type { Args, Kwargs, ResultDetails } from '../protocol/messages';
import { CallResult, type ClientCallOptions } from './types';

/** What a remote method's promise resolves to: an async generator's return value, or the awaited result. */
export type Returned<R> = R extends AsyncGenerator<unknown, infer T, unknown> ? T : Awaited<R>;

/** Lifecycle hooks of a service class are not procedures. */
type NotProcedures = 'onStart' | 'onStop';

/** Per-call options of a proxy: `proxy.$with({ timeout: 500 }).method(...)`. */
export interface ProxyCallOptions {
  /** Milliseconds before the call fails with `CallTimeoutError` (`wamp.error.timeout`). */
  timeout?: number;
  /** Receives each progressive result as a value (what the remote method yielded). */
  onProgress?: (value: unknown) => void;
  /** Cancels the call when aborted (`CallCanceledError`, `wamp.error.canceled`). */
  signal?: AbortSignal;
  cancelMode?: ClientCallOptions['cancelMode'];
  discloseMe?: boolean;
}

/**
 * The remote face of a service class: each public method becomes a function of the same
 * parameters returning a promise of its result; everything that is not a method is dropped.
 * A method written as an async generator (progressive results) resolves to its return value.
 * `$with(options)` gives the same proxy with per-call options.
 *
 * @example
 * ```ts
 * const greeter = client.proxy<GreeterService>('greeter');
 * const text: string = await greeter.hello('Ada');                 // calls greeter.hello
 * await greeter.$with({ timeout: 500 }).hello('Ada');
 * ```
 */
export type ServiceProxy<T> = {
  -readonly [
    K in keyof T as K extends NotProcedures
      ? never
      : K extends string
        ? T[K] extends (...args: never[]) => unknown
          ? K
          : never
        : never
  ]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Returned<R>> : never;
} & {
  /** The same proxy, with `options` applied to every call made through it. */
  $with(options: ProxyCallOptions): ServiceProxy<T>;
};

/** Calls one procedure with positional arguments and returns its value. */
export type ProxyCall = (procedure: string, args: unknown[], options: ProxyCallOptions) => Promise<unknown>;

/**
 * A `ServiceProxy` whose method `m` calls the procedure `uriOf(m)` (for a service name `s`:
 * `s.m`) through `call`, arguments by position. The proxy is not a thenable, so it may be
 * returned from async functions and awaited safely.
 */
export function createServiceProxy<T>(
  target: string | ((method: string) => string),
  call: ProxyCall,
  options: ProxyCallOptions = {},
): ServiceProxy<T> {
  const uriOf = typeof target === 'string' ? (method: string) => `${target}.${method}` : target;
  // The proxy is a plain object whose methods are its own properties, made on first use by
  // the Proxy behind it (its prototype): a call reads a property, with no trap on each call.
  const methods = Object.create(
    new Proxy(Object.create(null) as object, {
      get(_target, name) {
        // `then` would make `await proxy` call `<service>.then`.
        if (typeof name !== 'string' || name === 'then') return undefined;
        if (name === '$with') {
          return (more: ProxyCallOptions) => createServiceProxy<T>(uriOf, call, { ...options, ...more });
        }
        const procedure = uriOf(name);
        const method = (...args: unknown[]): Promise<unknown> => call(procedure, args, options);
        Object.defineProperty(methods, name, { value: method });
        return method;
      },
    }),
  ) as object;
  return methods as ServiceProxy<T>;
}

/**
 * What a call returns to a script or a proxy: `undefined` for no arguments, the single
 * argument when there is one and no kwargs, otherwise the whole `CallResult`.
 */
export function callValue(result: CallResult): unknown {
  return isSingleValue(result.args, result.kwargs) ? result.args[0] : result;
}

/** `callValue` of the RESULT's payload, making the `CallResult` only when it is the value. */
export function valueOfResult(
  args: Args | undefined,
  kwargs: Kwargs | undefined,
  details: ResultDetails,
): unknown {
  if (isSingleValue(args, kwargs)) return args?.[0];
  return new CallResult(args ?? [], kwargs ?? {}, details);
}

/** True when a RESULT's value is its single argument (or none): no `CallResult` is made. */
export function isSingleValue(args: Args | undefined, kwargs: Kwargs | undefined): boolean {
  return (args === undefined || args.length <= 1) && (kwargs === undefined || !hasOwnKeys(kwargs));
}

/** `Object.keys(value).length > 0`, without the array. */
function hasOwnKeys(value: object): boolean {
  for (const key in value) if (Object.hasOwn(value, key)) return true;
  return false;
}

const NO_OPTIONS: ClientCallOptions = Object.freeze({});

/** The `Session.call` options of a proxy call; progress arrives as values. */
export function proxyCallOptions(
  options: ProxyCallOptions,
  custom?: Record<string, unknown>,
): ClientCallOptions {
  // The common call: no per-call options, so no copies of them.
  if (!hasKeys(options)) return custom === undefined ? NO_OPTIONS : { custom };
  const { onProgress, ...rest } = options;
  return {
    ...rest,
    ...(onProgress ? { onProgress: (progress: CallResult) => onProgress(callValue(progress)) } : {}),
    ...(custom ? { custom } : {}),
  };
}
