import { Router, type RouterStartOptions } from '../../../src/router';

/**
 * A router for one test. Scripted peers do not answer GOODBYE on their own, so `stop()`
 * waits only briefly for them.
 */
export function startRouter(options: RouterStartOptions = {}): Promise<Router> {
  return Router.start({ ...options, limits: { shutdownTimeout: 50, ...options.limits } });
}
