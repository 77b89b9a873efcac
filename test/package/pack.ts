import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runProgram } from '../cli/helpers/cli';

/**
 * `npm pack` of this repository into `destination`, as built (`npm run build` first: the
 * prepack build is not run again). Returns the tarball's path.
 */
export async function packWservice(destination: string): Promise<string> {
  mkdirSync(destination, { recursive: true });
  const pack = await runProgram(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', destination],
    {
      cwd: ROOT,
    },
  );
  if (pack.code !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  return join(destination, (JSON.parse(pack.stdout) as { filename: string }[])[0].filename);
}
