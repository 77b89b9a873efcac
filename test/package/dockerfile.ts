import { cpSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import { runProgram, type Finished } from '../cli/helpers/cli';

/**
 * A Dockerfile read and its build run without Docker, for tests: each stage's filesystem is a
 * folder (`/app` of a stage is `<root>/<stage>/app`), COPY copies from the build context or an
 * earlier stage, RUN runs its shell command there with the stage's ENV. Only the instructions
 * our Dockerfiles use are understood; any other one is an error, so a new instruction cannot
 * be skipped silently. The base image is not emulated: RUN uses this machine's node and npm.
 */

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

/** The stages of a Dockerfile, with line continuations joined and comments dropped. */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    let logical = lines[i];
    if (/^\s*(#|$)/.test(logical)) continue;
    while (logical.endsWith('\\') && i + 1 < lines.length)
      logical = `${logical.slice(0, -1)} ${lines[++i].trim()}`;
    const [, keyword, args] = /^\s*(\w+)\s+(.*)$/.exec(logical) ?? [];
    if (keyword === undefined) throw new Error(`Dockerfile:${line}: cannot read "${logical}"`);
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const [from, , name] = args.split(/\s+/);
      stages.push({ name: name ?? String(stages.length), from, instructions: [] });
    } else if (stages.length === 0) throw new Error(`Dockerfile:${line}: ${upper} before FROM`);
    else stages[stages.length - 1].instructions.push({ keyword: upper, args: args.trim(), line });
  }
  return stages;
}

/** `KEY=value KEY2="value 2"` of an ENV instruction. */
export function envOf(args: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [, key, quoted, plain] of args.matchAll(/(\w+)=(?:"([^"]*)"|(\S*))/g))
    env[key] = quoted ?? plain;
  return env;
}

/** What a stage ended with: its folder, working directory, environment, user and commands. */
export interface BuiltStage {
  root: string;
  workdir: string;
  env: Record<string, string>;
  user?: string;
  entrypoint?: string[];
  cmd?: string[];
  healthcheck?: string[];
  exposed: string[];
}

export interface BuildOptions {
  context: string;
  /** Where the stages' folders go. */
  root: string;
  /** Environment of every RUN (the stage's ENV wins over it). */
  env?: NodeJS.ProcessEnv;
  /** Called with each RUN's outcome; a RUN exiting non-zero fails the build anyway. */
  onRun?: (command: string, result: Finished) => void;
}

/** Runs the stages in order; returns the last one. */
export async function buildDockerfile(stages: Stage[], options: BuildOptions): Promise<BuiltStage> {
  const built = new Map<string, BuiltStage>();
  let last: BuiltStage | undefined;
  for (const [index, stage] of stages.entries()) {
    const state: BuiltStage = {
      root: join(options.root, `stage-${index}`),
      workdir: '/',
      env: {},
      exposed: [],
    };
    mkdirSync(state.root, { recursive: true });
    for (const instruction of stage.instructions) await apply(instruction, state, built, options);
    built.set(stage.name, state);
    last = state;
  }
  if (last === undefined) throw new Error('Dockerfile: no FROM');
  return last;
}

/** The folder of this machine that holds `path` (absolute, or relative to `workdir`) of a stage. */
export function hostPath(state: BuiltStage, path: string): string {
  return join(state.root, posix.resolve(state.workdir, path));
}

async function apply(
  { keyword, args, line }: Instruction,
  state: BuiltStage,
  built: Map<string, BuiltStage>,
  options: BuildOptions,
): Promise<void> {
  switch (keyword) {
    case 'WORKDIR':
      state.workdir = posix.resolve(state.workdir, args);
      mkdirSync(hostPath(state, '.'), { recursive: true });
      return;
    case 'ENV':
      Object.assign(state.env, envOf(args));
      return;
    case 'COPY':
      return copy(args, state, built, options.context, line);
    case 'RUN': {
      const result = await runProgram('sh', ['-c', args], {
        cwd: hostPath(state, '.'),
        env: { ...options.env, ...state.env },
      });
      options.onRun?.(args, result);
      if (result.code !== 0)
        throw new Error(`Dockerfile:${line}: RUN ${args} exited ${result.code}:\n${result.stderr}`);
      return;
    }
    case 'USER':
      state.user = args;
      return;
    case 'EXPOSE':
      state.exposed.push(...args.split(/\s+/));
      return;
    case 'ENTRYPOINT':
      state.entrypoint = execForm(args, line);
      return;
    case 'CMD':
      state.cmd = execForm(args, line);
      return;
    case 'HEALTHCHECK':
      state.healthcheck = execForm(args.replace(/^(--\S+\s+)*CMD\s+/, ''), line);
      return;
    default:
      throw new Error(`Dockerfile:${line}: ${keyword} is not understood by this test`);
  }
}

function copy(
  args: string,
  state: BuiltStage,
  built: Map<string, BuiltStage>,
  context: string,
  line: number,
) {
  const words = args.split(/\s+/);
  const from = words[0].startsWith('--from=') ? words.shift()!.slice('--from='.length) : undefined;
  const source = from === undefined ? undefined : built.get(from);
  if (from !== undefined && source === undefined) throw new Error(`Dockerfile:${line}: no stage ${from}`);
  const dest = words.pop()!;
  const toFolder = words.length > 1 || dest.endsWith('/') || dest === '.';
  for (const src of words) {
    const host = source === undefined ? join(context, src) : hostPath(source, src);
    // Docker copies a folder's contents, and a file into a destination folder by its name.
    const target =
      statSync(host).isFile() && toFolder
        ? join(hostPath(state, dest), basename(src))
        : hostPath(state, dest);
    mkdirSync(dirname(target), { recursive: true });
    cpSync(host, target, { recursive: true });
  }
}

function execForm(args: string, line: number): string[] {
  const value: unknown = JSON.parse(args);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw new Error(`Dockerfile:${line}: expected the exec form ["..."]: ${args}`);
  return value as string[];
}

/** Reads a Dockerfile from disk. */
export function readDockerfile(file: string): Stage[] {
  return parseDockerfile(readFileSync(file, 'utf8'));
}
