import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { callerCommands } from '../lib/workload';
import type { Role } from './entry';

/** A NestJS TCP client proxy sending `bench.echo` to the microservice on `port` (one hop). */
export default async function nestCaller(args: Record<string, unknown>): Promise<Role> {
  const client = ClientProxyFactory.create({
    transport: Transport.TCP,
    options: { host: '127.0.0.1', port: Number(args.port) },
  });
  await client.connect();
  return {
    commands: callerCommands(() => lastValueFrom(client.send<string, string>('bench.echo', 'hello world'))),
    close: () => client.close(),
  };
}
