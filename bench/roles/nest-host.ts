import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { createServer } from 'node:net';
import type { Role } from './entry';

@Controller()
class BenchController {
  @MessagePattern('bench.echo')
  echo(text: string): string {
    return text;
  }
}

@Module({ controllers: [BenchController] })
class BenchModule {}

/** A port the system has free now (Nest's TCP server does not report the one it was given). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A NestJS microservice answering `bench.echo` on its TCP transport. */
export default async function nestHost(): Promise<Role> {
  const port = await freePort();
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(BenchModule, {
    transport: Transport.TCP,
    options: { host: '127.0.0.1', port },
    logger: false,
  });
  await app.listen();
  return { info: { port }, close: () => app.close() };
}
