import { moleculerBroker, tcpTransporter } from '../lib/moleculer';
import { callerCommands } from '../lib/workload';
import type { Role } from './entry';

/** A Moleculer node calling `bench.echo` on the node at `url` over the TCP transporter (one hop). */
export default async function moleculerCaller(args: Record<string, unknown>): Promise<Role> {
  const broker = moleculerBroker('caller', { transporter: tcpTransporter(String(args.url)) });
  await broker.start();
  await broker.waitForServices(['bench'], 10_000);
  return {
    commands: callerCommands(() => broker.call('bench.echo', { text: 'hello world' })),
    close: () => broker.stop(),
  };
}
