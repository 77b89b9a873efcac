/**
 * Polls `condition` until it holds; fails after `timeout` ms naming `what`. For tests that
 * wait on something asynchronous (an event arriving, a process printing a line).
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  {
    timeout = 5000,
    what = 'condition',
    every = 10,
  }: { timeout?: number; what?: string; every?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}
