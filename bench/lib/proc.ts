import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A benchmark role running in its own process, driven over IPC. */
export interface RoleProcess {
  readonly name: string;
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

/** Starts `bench/roles/<role>.js` with `args` and waits until it says it is ready. */
export async function startRole(role: string, args: Record<string, unknown> = {}): Promise<RoleProcess> {
  const child = fork(join(__dirname, '..', 'roles', 'entry.js'), [role, JSON.stringify(args)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: ['--max-old-space-size=4096'],
  });
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
