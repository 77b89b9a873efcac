import { spawn } from 'node:child_process';
import { Progress } from './progress';
import { ScaffoldError } from './scaffold';

/**
 * `npm install` in `dir`, its output kept quiet behind a progress line; on failure, npm's
 * last error line is in the message and the rest is printed for the reader.
 */
export async function npmInstall(dir: string, shown: string): Promise<void> {
  const progress = Progress.start(`installing dependencies in ${shown} (npm install)`);
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('npm', ['install', '--no-audit', '--no-fund'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      // npm is a .cmd file on Windows, which only a shell can start.
      shell: process.platform === 'win32',
    });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('error', reject);
    child.once('close', resolve);
  }).catch((err: Error) => {
    progress.fail();
    throw new ScaffoldError(`cannot run npm (${err.message}); install the dependencies yourself in ${shown}`);
  });
  if (code === 0) return progress.succeed();
  progress.fail();
  const text = output.join('');
  process.stderr.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
  const reason = npmFailureReason(text) ?? `exit code ${code}`;
  throw new ScaffoldError(
    `npm install failed in ${shown}: ${reason} (the project is written: run npm install there once fixed)`,
  );
}

/** The line of npm's output that says what went wrong: its first error other than the code and the log's path. */
export function npmFailureReason(output: string): string | undefined {
  return output
    .split('\n')
    .map((line) => /^npm (?:error|ERR!) (.*)$/.exec(line.trim())?.[1]?.trim())
    .find((line) => line !== undefined && !/^(code \S+|A complete log of this run.*|)$/.test(line));
}

/** What the registry says about a package range: some version matches, none does, or no answer. */
export type RegistryAnswer = 'published' | 'missing' | 'unknown';

/**
 * Asks the configured registry (`npm view`) whether `name@range` has a version. `missing`
 * only on the registry's own answer (E404, or no version in range); a network failure or a
 * slow registry is `unknown`.
 */
export async function registryHas(name: string, range: string, timeoutMs = 15_000): Promise<RegistryAnswer> {
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn('npm', ['view', `${name}@${range}`, 'version', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: process.platform === 'win32',
      timeout: timeoutMs,
    });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('error', () => resolve(null));
    child.once('close', resolve);
  });
  const text = output.join('');
  if (code === 0) return text.trim() === '' ? 'missing' : 'published';
  return /\bE404\b/.test(text) ? 'missing' : 'unknown';
}
