/**
 * When a `Connection` tries again after a failed connect or a lost session: exponential
 * backoff with jitter. The n-th retry in a row waits
 * `min(maxDelay, initialDelay * multiplier^n)`, varied at random by ± `jitter` of itself
 * (so clients restarted together do not reconnect together) and never above `maxDelay`.
 *
 * The default `maxDelay` is 2 s, so a service comes back within about 2 s of its router
 * returning, however long the router was away (a delay that kept growing with the outage
 * would keep it away for as long again).
 */
export interface ReconnectOptions {
  /** Milliseconds before the first retry. Default 1 000. */
  initialDelay?: number;
  /** Upper bound of any delay, in milliseconds. Default 2 000. */
  maxDelay?: number;
  /** Growth factor from one retry to the next, >= 1. Default 2. */
  multiplier?: number;
  /** Random spread as a fraction of the delay, 0..1. Default 0.1 (± 10 %). */
  jitter?: number;
  /** Retries in a row before giving up; 0 never retries. Default: no limit. */
  maxRetries?: number;
}

/** The defaults of `ReconnectOptions`. */
export const DEFAULT_RECONNECT: Readonly<Required<ReconnectOptions>> = Object.freeze({
  initialDelay: 1_000,
  maxDelay: 2_000,
  multiplier: 2,
  jitter: 0.1,
  maxRetries: Number.POSITIVE_INFINITY,
});

/** `options` with defaults filled in. Throws RangeError naming a value out of range. */
export function reconnectPolicy(options: ReconnectOptions = {}): Required<ReconnectOptions> {
  const policy = { ...DEFAULT_RECONNECT, ...options };
  const check = (name: keyof ReconnectOptions, ok: boolean, rule: string) => {
    if (!ok) throw new RangeError(`reconnect.${name} must be ${rule}, got ${policy[name]}`);
  };
  check('initialDelay', Number.isFinite(policy.initialDelay) && policy.initialDelay >= 0, 'a number >= 0');
  check('maxDelay', policy.maxDelay >= policy.initialDelay, '>= initialDelay');
  check('multiplier', Number.isFinite(policy.multiplier) && policy.multiplier >= 1, 'a number >= 1');
  check('jitter', policy.jitter >= 0 && policy.jitter <= 1, 'between 0 and 1');
  const { maxRetries } = policy;
  check(
    'maxRetries',
    maxRetries === Number.POSITIVE_INFINITY || (Number.isInteger(maxRetries) && maxRetries >= 0),
    'an integer >= 0',
  );
  return policy;
}

/** Milliseconds to wait before retry number `retry` (0 for the first). */
export function retryDelay(
  retry: number,
  policy: Required<ReconnectOptions>,
  random: () => number = Math.random,
): number {
  const base = Math.min(policy.maxDelay, policy.initialDelay * policy.multiplier ** retry);
  const spread = base * policy.jitter;
  return Math.min(policy.maxDelay, Math.max(0, Math.round(base - spread + 2 * spread * random())));
}
