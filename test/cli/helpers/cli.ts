import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The compiled `wservice` command as users run it (`node bin/wservice.js ...`, after
 * `npm run build`), and other programs (npm, a generated project's bin), in child
 * processes with colours off.
 */
export const ROOT = resolve(__dirname, '../../..');
export const BIN = join(ROOT, 'bin/wservice.js');

export function assertBuilt(): void {
  if (!existsSync(join(ROOT, 'dist/cli/main.js')))
    throw new Error('dist/cli/main.js is missing: run `npm run build` before the CLI tests');
}

/** Where and how a program runs; `input` is written to its stdin, which is then closed. */
export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
}

/** A running program: its output so far and its exit. */
export interface Running {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Resolves once `text` has appeared on the stream; rejects if the process exits first. */
  waitFor(stream: 'stdout' | 'stderr', text: string | RegExp): Promise<void>;
}

/** What a program printed, and how it ended. */
export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

const started: ChildProcess[] = [];

export function startProgram(command: string, args: string[], options: RunOptions = {}): Running {
  const child = spawn(command, args, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  started.push(child);
  const out = { stdout: '', stderr: '' };
  const waiters: (() => void)[] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]!.on('data', (chunk: Buffer) => {
      out[stream] += chunk.toString();
      for (const check of waiters.slice()) check();
    });
  }
  const exited = new Promise<number | null>((done) => {
    child.once('error', (err) => {
      out.stderr += `${err.message}\n`;
      done(null);
    });
    child.once('close', (code) => done(code));
  });
  child.stdin!.on('error', () => undefined); // the program may exit before reading its input
  child.stdin!.end(options.input);
  return {
    child,
    stdout: () => out.stdout,
    stderr: () => out.stderr,
    exited,
    waitFor: (stream, text) =>
      new Promise((ready, fail) => {
        const check = (): void => {
          const seen = out[stream];
          if (typeof text === 'string' ? seen.includes(text) : text.test(seen)) ready();
        };
        waiters.push(check);
        check();
        void exited.then((code) =>
          fail(new Error(`${command} ${args.join(' ')} exited ${code}: ${out.stderr}${out.stdout}`)),
        );
      }),
  };
}

export async function runProgram(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<Finished> {
  const running = startProgram(command, args, options);
  const code = await running.exited;
  return { code, stdout: running.stdout(), stderr: running.stderr() };
}

/** Starts `wservice <args>`. */
export function startCli(args: string[], options: RunOptions = {}): Running {
  return startProgram(process.execPath, [BIN, ...args], options);
}

/** Runs `wservice <args>` to its end. */
export function runCli(args: string[], options: RunOptions = {}): Promise<Finished> {
  return runProgram(process.execPath, [BIN, ...args], options);
}

/** Kills whatever a test left running (call from afterEach). */
export function killStarted(): void {
  for (const child of started.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
