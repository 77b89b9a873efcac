import { Command } from 'commander';
import { relative } from 'node:path';
import { writeContractFiles } from '../../src/contracts/build';
import { colour } from '../style';

/** `wservice build`: contract files beside the compiled services, for `dist/` deployments. */
export function buildCommand(): Command {
  return new Command('build')
    .description("write each service's contract beside its compiled JavaScript (run after tsc)")
    .option('-p, --project <path>', 'the tsconfig.json, or the folder holding it', '.')
    .addHelpText(
      'after',
      `
Compiled JavaScript has no types left. wservice build reads the project's service sources with
the TypeScript compiler and writes <file>.contract.json next to each compiled file (outDir of
the tsconfig), so services run from dist/ check every argument as they would from sources.

Examples:
  $ tsc && wservice build                  dist/services/orders.service.contract.json ...
  $ wservice build -p tsconfig.build.json`,
    )
    .action((flags: { project: string }) => {
      const built = writeContractFiles(flags.project);
      const c = colour(process.stdout);
      for (const file of built.written) process.stdout.write(`wrote ${relative(process.cwd(), file)}\n`);
      for (const warning of built.warnings) process.stdout.write(`${c('yellow', `! ${warning}`)}\n`);
      if (built.written.length === 0) process.stdout.write('no @Service classes found in the project\n');
    });
}
