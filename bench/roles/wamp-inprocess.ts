import { Router } from '../../src/router';
import { callerCommands } from '../lib/workload';
import { BENCH_PERMISSIVE, openInProcessClient } from '../lib/wservice';
import type { Role } from './entry';

/**
 * Our client and router without the service layer, all in one process on in-process links:
 * a callee registering `bench.echo` and a caller calling it. The in-process floor of the
 * client + router, against which the service layer's cost per call shows.
 */
export default async function wampInProcess(): Promise<Role> {
  const router = await Router.start({ listeners: [], permissive: BENCH_PERMISSIVE });
  const callee = await openInProcessClient(router);
  await callee.register('bench.echo', (a) => a[0]);
  const caller = await openInProcessClient(router);
  return {
    commands: callerCommands(() => caller.call('bench.echo', ['hello world'])),
    close: async () => {
      await Promise.all([caller.close(), callee.close()]);
      await router.stop();
    },
  };
}
