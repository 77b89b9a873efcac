/** Options of `assertStopsRaising`. */
export interface StopsRaisingOptions {
  /** Give up after this many ms and throw the assertion's last error. Default 5000. */
  timeout?: number;
  /** Ms between attempts. Default 20. */
  interval?: number;
}

/**
 * Runs `assertion` until it stops throwing (nameko's and wampy's `assert_stops_raising`):
 * resolves with its value on the first attempt that passes; after `timeout` ms rethrows the
 * last failure, so the test reports what was still wrong. For state that settles
 * asynchronously (an event handled, a registration gone) without sleeping and hoping.
 *
 * @example
 * ```ts
 * await assertStopsRaising(async () => {
 *   expect(await system.client.call('inventory.available', ['apple'])).toBe(7);
 * });
 * ```
 */
export async function assertStopsRaising<T>(
  assertion: () => T | Promise<T>,
  { timeout = 5000, interval = 20 }: StopsRaisingOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await assertion();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
