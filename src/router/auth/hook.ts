import { isAbsolute, resolve } from 'node:path';
import type { Check } from '../options-check';

/**
 * A function the router calls out to (a dynamic authenticator or authorizer), named in the
 * options: the function itself (programmatic options), or a module and its export (what a
 * YAML file can hold). `timeout` in ms bounds each call.
 *
 * @example { module: './auth.js', export: 'authenticate' }
 * @example { function: async (request) => ({ authrole: 'user' }), timeout: 1000 }
 */
export type HookOptions<F> =
  | F
  | { module: string; export?: string; timeout?: number }
  | { function: F; timeout?: number }
  | ProcedureHookOptions;

/**
 * A WAMP procedure as the hook, as Crossbar.io's dynamic authenticators and authorizers: the
 * router calls it over its own dealer. Only a trusted session (in the router's process, or of
 * role `admin`) may register it.
 *
 * @example { procedure: 'com.example.authenticate', timeout: 2000 }
 */
export interface ProcedureHookOptions {
  procedure: string;
  /** The realm it is registered in. Default: the realm of the session it is asked about. */
  realm?: string;
  timeout?: number;
}

/** A hook ready to be called: the function and its timeout. */
export interface LoadedHook<F> {
  readonly function: F;
  readonly timeout: number | undefined;
  /** Where it came from, for log lines: `./auth.js#authenticate` or `function`. */
  readonly name: string;
}

type AnyFunction = (...args: never[]) => unknown;

/** Turns procedure hook options into the function that calls the procedure. */
export type ProcedureBinding = (options: ProcedureHookOptions) => AnyFunction;

/**
 * Loads a hook: imports the module (resolved from `baseDir`, default the working directory)
 * and takes its export (default `default`). Throws when the export is not a function.
 */
export async function loadHook<F extends AnyFunction>(
  options: HookOptions<F>,
  baseDir = process.cwd(),
  bind?: ProcedureBinding,
): Promise<LoadedHook<F>> {
  if (typeof options === 'function') return { function: options, timeout: undefined, name: 'function' };
  if ('function' in options)
    return { function: options.function, timeout: options.timeout, name: 'function' };
  if ('procedure' in options) {
    if (bind === undefined)
      throw new TypeError(`procedure ${options.procedure}: no router to call it through`);
    return { function: bind(options) as F, timeout: options.timeout, name: `procedure ${options.procedure}` };
  }
  const exportName = options.export ?? 'default';
  const path = isAbsolute(options.module) ? options.module : resolve(baseDir, options.module);
  const loaded = (await import(path)) as Record<string, unknown>;
  // A CommonJS module imported from ESM has its exports under `default` too.
  const value = loaded[exportName] ?? (loaded.default as Record<string, unknown> | undefined)?.[exportName];
  if (typeof value !== 'function') {
    throw new TypeError(`${options.module} has no function export "${exportName}"`);
  }
  return { function: value as F, timeout: options.timeout, name: `${options.module}#${exportName}` };
}

/** The result of one call of a hook under its deadline. */
export type HookResult =
  | { kind: 'answer'; value: unknown }
  | { kind: 'threw'; error: unknown }
  | { kind: 'timeout'; timeout: number };

/**
 * Calls `hook` with `args`, waiting at most its timeout (else `defaultTimeout`) ms. Never
 * rejects: a throw, a rejection or the deadline are results the caller turns into a refusal.
 */
export async function callHook<F extends AnyFunction>(
  hook: LoadedHook<F>,
  defaultTimeout: number,
  ...args: Parameters<F>
): Promise<HookResult> {
  const timeout = hook.timeout ?? defaultTimeout;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<HookResult>((settle) => {
    timer = setTimeout(() => settle({ kind: 'timeout', timeout }), timeout);
  });
  const answer = (async (): Promise<HookResult> => {
    try {
      return { kind: 'answer', value: await hook.function(...args) };
    } catch (error) {
      return { kind: 'threw', error };
    }
  })();
  try {
    return await Promise.race([answer, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Validates hook options: a function, `{ function }`, `{ module, export? }` or
 * `{ procedure, realm? }`, with `timeout`.
 */
export function validateHook(c: Check): void {
  if (typeof c.value === 'function') return;
  const value = c.value as Record<string, unknown> | null;
  if (value !== null && typeof value === 'object' && 'procedure' in value) {
    c.object(['procedure', 'realm', 'timeout']);
    c.uri('procedure');
    if (value.realm !== undefined) c.uri('realm');
    c.optionalInteger('timeout', 1, 600_000);
    return;
  }
  const keys = value !== null && typeof value === 'object' && 'function' in value ? ['function'] : ['module'];
  c.object([...keys, 'export', 'timeout']);
  if (keys[0] === 'function') {
    if (typeof value!.function !== 'function') throw c.error('function', 'must be a function');
    if (value!.export !== undefined) throw c.error('export', 'goes with module, not function');
  } else {
    c.string('module');
    c.optionalString('export');
  }
  c.optionalInteger('timeout', 1, 600_000);
}

/**
 * The hooks the router's options name, loaded once when the router starts (so a wrong module
 * or export stops the start, not the first HELLO), looked up by their options.
 */
export class LoadedHooks {
  private readonly byOptions = new Map<unknown, LoadedHook<AnyFunction>>();

  /** The URIs of the procedure hooks: only trusted sessions may register them. */
  readonly procedures = new Set<string>();

  /** Loads every hook of `all` (module paths from `baseDir`; procedures bound by `bind`). */
  static async load(
    all: readonly { options: HookOptions<AnyFunction>; bind?: ProcedureBinding }[],
    baseDir?: string,
  ): Promise<LoadedHooks> {
    const hooks = new LoadedHooks();
    for (const { options, bind } of all) {
      hooks.byOptions.set(options, await loadHook(options, baseDir, bind));
      if (typeof options === 'object' && 'procedure' in options) hooks.procedures.add(options.procedure);
    }
    return hooks;
  }

  /** The hook loaded for `options` (the same object the options held). */
  get<F extends AnyFunction>(options: HookOptions<F>): LoadedHook<F> {
    const hook = this.byOptions.get(options);
    if (hook === undefined) throw new Error('a hook was not loaded when the router started');
    return hook as unknown as LoadedHook<F>;
  }
}
