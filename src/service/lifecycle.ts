import { DEFAULT_HOOK_TIMEOUTS } from '../defaults';
import { HookTimeoutError, ServiceOptionsError } from './runtime-errors';

/**
 * The lifecycle every extension of a container shares (nameko's `Extension`): entrypoints
 * implement all three, dependency providers what they need (see `DependencyProvider`).
 *
 * - `start` makes it live; a container whose start fails calls `stop` on what had started.
 * - `stop` ends it gracefully: an entrypoint takes no new work, a provider releases what it holds.
 * - `kill` ends it at once, without waiting for the network; safe whatever state it is in.
 */
export interface Extension {
  start(): Promise<void>;
  stop(): Promise<void>;
  kill(): void;
}

/** The deadline of each lifecycle hook, in ms (defaults: `DEFAULT_HOOK_TIMEOUTS`). */
export type HookTimeouts = { -readonly [K in keyof typeof DEFAULT_HOOK_TIMEOUTS]: number };

/** The hook deadlines in force: the defaults, overridden by each layer given in turn. */
export function hookTimeouts(...layers: (Partial<HookTimeouts> | undefined)[]): HookTimeouts {
  return Object.assign({}, DEFAULT_HOOK_TIMEOUTS, ...layers) as HookTimeouts;
}

/** Throws `ServiceOptionsError` naming the first key unknown or not a positive finite number. */
export function checkHookTimeouts(value: unknown, what: string): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ServiceOptionsError(`${what} must be an object of deadlines in ms`);
  for (const [key, ms] of Object.entries(value)) {
    if (!Object.hasOwn(DEFAULT_HOOK_TIMEOUTS, key)) {
      throw new ServiceOptionsError(
        `${what}.${key} is not a lifecycle hook (known: ${Object.keys(DEFAULT_HOOK_TIMEOUTS).join(', ')})`,
      );
    }
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0)
      throw new ServiceOptionsError(`${what}.${key} must be a positive number of ms, got ${String(ms)}`);
  }
}

/**
 * Runs `hook` with a deadline: settles as it does, or rejects with `HookTimeoutError` once
 * `timeoutMs` pass, or with the reason of `signal` when it aborts (the hook is left behind;
 * whatever it does later is ignored). The timer and the listener go as soon as it settles.
 */
export function withDeadline<T>(
  service: string,
  hook: string,
  timeoutMs: number,
  run: () => T | Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  if (signal?.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const settle = (finish: () => void): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      finish();
    };
    const onAbort = (): void => settle(() => reject(signal!.reason as Error));
    const timer = setTimeout(
      () => settle(() => reject(new HookTimeoutError(service, hook, timeoutMs))),
      timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    Promise.resolve()
      .then(run)
      .then(
        (value) => settle(() => resolve(value)),
        (err: unknown) => settle(() => reject(err as Error)),
      );
  });
}
