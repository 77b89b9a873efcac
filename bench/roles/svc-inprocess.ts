import { connect, ServiceRunner } from '../../src';
import { createInProcessPair } from '../../src/transport/inprocess';
import { BenchService } from '../lib/bench-service';
import { callerCommands } from '../lib/workload';
import { BENCH_PERMISSIVE } from '../lib/wservice';
import type { Role } from './entry';

/**
 * Everything in one process: the embedded router without listeners, BenchService connected
 * in-process, and a proxy on an in-process link (no socket, no serialization).
 */
export default async function svcInProcess(): Promise<Role> {
  const runner = await ServiceRunner.start({
    services: [BenchService],
    embedded: { listeners: [], permissive: BENCH_PERMISSIVE },
  });
  const router = runner.router!;
  const client = await connect({
    reconnect: false,
    transport: async () => {
      const [near, far] = createInProcessPair();
      router.attach(far);
      return near;
    },
  });
  const bench = client.proxy<BenchService>('bench');
  const roundTrip = (): Promise<unknown> => bench.echo('hello world');
  return {
    commands: callerCommands(roundTrip),
    close: async () => {
      await client.close();
      await runner.stop();
    },
  };
}
