import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A benchmark role running in its own process, driven over IPC. */
export interface RoleProcess {
  readonly name: string;
  /** What the process is in its scenario (`caller`, `router`, `callee`...), for the peak RSS column. */
  readonly label: string;
  readonly pid: number;
  /** What the role reported when it was ready (ports, urls...). */
  readonly info: Record<string, unknown>;
  /** Runs a command in the role and returns its result. */
  request<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T>;
  /** Resolves on the next `notify` message the role sends with this topic. */
  waitFor<T = unknown>(topic: string, timeoutMs: number): Promise<T>;
  /** Peak resident set size so far, in KiB (VmHWM). */
  peakRssKb(): number;
  /** Current resident set size, in KiB (VmRSS). */
  rssKb(): number;
  stop(): Promise<void>;
}

interface ChildMessage {
  type: 'ready' | 'result' | 'error' | 'notify';
  id?: number;
  topic?: string;
  value?: unknown;
  message?: string;
}

export interface StartOptions {
  /** Defaults to the role name. */
  label?: string;
  /**
   * Raise the soft open-files limit to the hard one first (thousands of sockets). Node cannot
   * change its own rlimit, so the role is started through `sh -c 'ulimit -n ...; exec node'`.
   */
  raiseFdLimit?: boolean;
}

/**
 * Node flags of every role: `--expose-gc` so memory is read after a collection, with
 * `BENCH_CPU_PROF=<dir>` a V8 CPU profile per process (`node --cpu-prof`), written at exit, and
 * `BENCH_NODE_FLAGS` (space-separated) given to every role alike, floors and peers too (e.g.
 * `--initial-old-space-size=64`, which NODE_OPTIONS does not take).
 */
function nodeFlags(): string[] {
  const flags = ['--max-old-space-size=4096', '--expose-gc'];
  const profileDir = process.env.BENCH_CPU_PROF;
  if (profileDir) flags.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`);
  flags.push(...(process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter((f) => f !== ''));
  return flags;
}

/** Role processes log warnings only, unless `WSERVICE_LOG_LEVEL` says otherwise. */
const roleEnv = { ...process.env, WSERVICE_LOG_LEVEL: process.env.WSERVICE_LOG_LEVEL ?? 'warn' };

function launch(role: string, args: Record<string, unknown>, raiseFdLimit: boolean): ChildProcess {
  const entry = join(__dirname, '..', 'roles', 'entry.js');
  const stdio: ['ignore', 'inherit', 'inherit', 'ipc'] = ['ignore', 'inherit', 'inherit', 'ipc'];
  if (!raiseFdLimit) {
    return fork(entry, [role, JSON.stringify(args)], { stdio, execArgv: nodeFlags(), env: roleEnv });
  }
  // exec keeps the pid and the IPC channel (NODE_CHANNEL_FD is inherited).
  const script = 'ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"';
  return spawn('sh', ['-c', script, process.execPath, ...nodeFlags(), entry, role, JSON.stringify(args)], {
    stdio,
    env: roleEnv,
  });
}

/** Starts `bench/roles/<role>.js` with `args` and waits until it says it is ready. */
export async function startRole(
  role: string,
  args: Record<string, unknown> = {},
  options: StartOptions = {},
): Promise<RoleProcess> {
  const child = launch(role, args, options.raiseFdLimit ?? false);
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const waiters = new Map<string, Array<(v: unknown) => void>>();
  let nextId = 1;
  const info = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`role ${role} did not start within 30 s`)), 30_000);
    child.once('exit', (code) => reject(new Error(`role ${role} exited with ${code} before it was ready`)));
    child.on('message', (raw) => {
      const msg = raw as ChildMessage;
      if (msg.type === 'ready') {
        clearTimeout(timer);
        resolve((msg.value ?? {}) as Record<string, unknown>);
      } else if (msg.type === 'result' || msg.type === 'error') {
        const p = pending.get(msg.id!);
        pending.delete(msg.id!);
        if (msg.type === 'result') p?.resolve(msg.value);
        else p?.reject(new Error(`${role}: ${msg.message}`));
      } else if (msg.type === 'notify') {
        const list = waiters.get(msg.topic!) ?? [];
        waiters.delete(msg.topic!);
        for (const w of list) w(msg.value);
      }
    });
  });
  child.removeAllListeners('exit');
  child.on('exit', () => {
    for (const p of pending.values()) p.reject(new Error(`role ${role} exited`));
    pending.clear();
  });
  return {
    name: role,
    label: options.label ?? role,
    pid: child.pid!,
    info,
    request: <T>(command: string, a: Record<string, unknown> = {}) =>
      new Promise<T>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ type: 'command', id, command, args: a });
      }),
    waitFor: <T>(topic: string, timeoutMs: number) =>
      new Promise<T>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${role}: no ${topic} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        const list = waiters.get(topic) ?? [];
        list.push((v) => {
          clearTimeout(timer);
          resolve(v as T);
        });
        waiters.set(topic, list);
      }),
    peakRssKb: () => procStatusKb(child, 'VmHWM'),
    rssKb: () => procStatusKb(child, 'VmRSS'),
    stop: () => stopChild(child),
  };
}

function procStatusKb(child: ChildProcess, field: string): number {
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) : NaN;
  } catch {
    return NaN;
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
