import { connect, type Client } from '../../src/client';
import { Router } from '../../src/router';
import { createInProcessPair } from '../../src/transport/inprocess';
import { callerCommands } from '../lib/workload';
import type { Role } from './entry';

/**
 * Our client and router without the service layer, all in one process on in-process links:
 * a callee registering `bench.echo` and a caller calling it. The in-process floor of the
 * client + router, against which the service layer's cost per call shows.
 */
export default async function wampInProcess(): Promise<Role> {
  const router = await Router.start({ listeners: [] });
  const open = (): Promise<Client> =>
    connect({
      reconnect: false,
      transport: async () => {
        const [near, far] = createInProcessPair();
        router.attach(far);
        return near;
      },
    });
  const callee = await open();
  await callee.register('bench.echo', (a) => a[0]);
  const caller = await open();
  return {
    commands: callerCommands(() => caller.call('bench.echo', ['hello world'])),
    close: async () => {
      await Promise.all([caller.close(), callee.close()]);
      await router.stop();
    },
  };
}
