import { ServiceRunner } from '../../src';
import { BenchHttpService } from '../lib/bench-http-service';
import type { Role } from './entry';

/**
 * BenchHttpService as `wservice run` serves it: its embedded router and its `@Http` server
 * (a free port) in one process; a request goes from the HTTP server to the method in-process.
 */
export default async function httpHost(): Promise<Role> {
  const runner = await ServiceRunner.start({
    services: [BenchHttpService],
    embedded: { listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0, path: '/ws' }] },
    http: { host: '127.0.0.1', port: 0 },
  });
  return { info: { url: runner.httpUrl }, close: () => runner.stop() };
}
