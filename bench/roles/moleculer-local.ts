import { addEchoService, moleculerBroker } from '../lib/moleculer';
import { callerCommands } from '../lib/workload';
import type { Role } from './entry';

/** Moleculer's local call: `broker.call('bench.echo')` to a service of the same broker, no transporter. */
export default async function moleculerLocal(): Promise<Role> {
  const broker = moleculerBroker('local');
  addEchoService(broker);
  await broker.start();
  return {
    commands: callerCommands(() => broker.call('bench.echo', { text: 'hello world' })),
    close: () => broker.stop(),
  };
}
