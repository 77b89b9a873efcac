import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeContractFiles } from '../src/contracts/build';
import { extractContracts } from '../src/contracts/extract';
import { contractFileFor } from '../src/contracts/source-file';
import { median } from './lib/stats';

/**
 * Contracts in the bench (issue 12):
 *
 * - Before any scenario, the bench service's contract file is written beside its compiled
 *   JavaScript, as `wservice build` does for a deployment, so the services rows check every
 *   argument against the real contract (`bench.echo(text: string)`, `bench.place(order)`).
 * - `contracts: startup` (only when `--only` names it): what reading one service's contract
 *   costs at start, each case in a fresh process, for the example shop's orders service:
 *   from its TypeScript source with the cache off, on a first start (the cache is written),
 *   on a later start (read from the cache), and from a contract file (`dist/` deployments).
 */
export const STARTUP_SCENARIO = 'contracts: startup';

const ROOT = join(__dirname, '..', '..');
const SOURCE = join(ROOT, 'examples', 'shop', 'services', 'orders.service.ts');
const CLASS = 'OrdersService';
const run = promisify(execFile);

/** `wservice build -p tsconfig.bench.json`: the contract files of the bench's services. */
export function writeBenchContracts(): string[] {
  return writeContractFiles(join(ROOT, 'tsconfig.bench.json')).written;
}

/** Milliseconds one fresh process spends in `loadContract(file, CLASS)`, with `env`. */
async function timeLoad(file: string, env: Record<string, string>): Promise<number> {
  const load = join(ROOT, 'dist', 'src', 'contracts', 'load.js');
  const script = `
    const { performance } = require('node:perf_hooks');
    const { loadContract } = require(${JSON.stringify(load)});
    const start = performance.now();
    const contract = loadContract(${JSON.stringify(file)}, ${JSON.stringify(CLASS)});
    const ms = performance.now() - start;
    if ('missing' in contract) throw new Error(contract.missing);
    process.stdout.write(JSON.stringify({ ms }));
  `;
  const { stdout } = await run(process.execPath, ['-e', script], { env: { ...process.env, ...env } });
  return (JSON.parse(stdout) as { ms: number }).ms;
}

export async function runStartup(rounds: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'wservice-bench-contracts-'));
  try {
    // A contract file beside a stand-in for the compiled file: what `dist/` reads.
    const compiled = join(dir, 'orders.service.js');
    const { contracts } = extractContracts(SOURCE);
    writeFileSync(
      contractFileFor(compiled),
      JSON.stringify({ wservice: 'contract', version: 1, services: contracts }),
    );
    const cases: Record<string, number[]> = {
      'TypeScript source, cache off': [],
      'TypeScript source, first start (cache written)': [],
      'TypeScript source, later start (cache read)': [],
      'contract file (wservice build)': [],
    };
    for (let round = 1; round <= rounds; round++) {
      process.stderr.write(`round ${round}/${rounds}: ${STARTUP_SCENARIO}\n`);
      const cache = join(dir, `cache-${round}`);
      cases['TypeScript source, cache off'].push(await timeLoad(SOURCE, { WSERVICE_CONTRACT_CACHE: 'off' }));
      cases['TypeScript source, first start (cache written)'].push(
        await timeLoad(SOURCE, { WSERVICE_CONTRACT_CACHE: cache }),
      );
      cases['TypeScript source, later start (cache read)'].push(
        await timeLoad(SOURCE, { WSERVICE_CONTRACT_CACHE: cache }),
      );
      cases['contract file (wservice build)'].push(await timeLoad(compiled, {}));
    }
    const rows = Object.entries(cases).map(
      ([name, ms]) =>
        `| ${name} | ${median(ms).toFixed(1)} | ${Math.min(...ms).toFixed(1)} | ${Math.max(...ms).toFixed(1)} |`,
    );
    return [
      `## ${STARTUP_SCENARIO}`,
      '',
      `Reading the contract of ${CLASS} (examples/shop/services/orders.service.ts and what it imports), each case in a fresh process, ${rounds} rounds.`,
      '',
      '| how | median ms | min ms | max ms |',
      '| --- | ---: | ---: | ---: |',
      ...rows,
      '',
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
