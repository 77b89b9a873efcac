/**
 * Retries `check` until it stops throwing, for what settles on the router's side of a socket
 * soon but not synchronously (a killed peer's cleanup). Fails with the last error after
 * `timeout` ms: a bound, not a measurement.
 */
export async function eventually(check: () => void, timeout = 3000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
