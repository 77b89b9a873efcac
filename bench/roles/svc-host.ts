import { ServiceRunner } from '../../src';
import { BenchService } from '../lib/bench-service';
import type { Role } from './entry';

/** BenchService run by a ServiceRunner against an external router (`wservice run --router`). */
export default async function svcHost(args: Record<string, unknown>): Promise<Role> {
  const runner = await ServiceRunner.start({ services: [BenchService], router: String(args.url) });
  return { close: () => runner.stop() };
}
