/**
 * Entry point of every benchmark role process: loads `./<role>`, reports ready with what the
 * role returned, then runs the commands the orchestrator sends over IPC.
 */

/** What a role module's default export returns. */
export interface Role {
  info?: Record<string, unknown>;
  commands?: Record<string, (args: Record<string, unknown>) => Promise<unknown> | unknown>;
  close?: () => Promise<void> | void;
}

/** Lets a role tell the orchestrator something happened (e.g. all events arrived). */
export function notify(topic: string, value?: unknown): void {
  process.send?.({ type: 'notify', topic, value });
}

/** Memory of this process after a full collection (`--expose-gc`), in KiB. */
export interface MemoryReading {
  rssKb: number;
  heapUsedKb: number;
  externalKb: number;
}

/** Commands every role answers, besides its own. */
const builtins: Record<string, () => unknown> = {
  /** CPU time this process has used so far (user + system), in µs. */
  cpu: (): number => {
    const usage = process.cpuUsage();
    return usage.user + usage.system;
  },
  /** A full collection (`--expose-gc`), as a long-lived process has had: the long-lived phase. */
  gc: (): void => (globalThis as { gc?: () => void }).gc?.(),
  memory: (): MemoryReading => {
    (globalThis as { gc?: () => void }).gc?.();
    const usage = process.memoryUsage();
    return {
      rssKb: usage.rss / 1024,
      heapUsedKb: usage.heapUsed / 1024,
      externalKb: usage.external / 1024,
    };
  },
};

async function main(): Promise<void> {
  const [roleName, rawArgs] = process.argv.slice(2);
  const mod = (await import(`./${roleName}`)) as {
    default: (args: Record<string, unknown>) => Promise<Role>;
  };
  const role = await mod.default(JSON.parse(rawArgs ?? '{}') as Record<string, unknown>);
  process.on('message', (raw) => {
    const msg = raw as { type: string; id: number; command: string; args: Record<string, unknown> };
    if (msg.type !== 'command') return;
    const handler = role.commands?.[msg.command] ?? builtins[msg.command];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${msg.command}`);
        return handler(msg.args);
      })
      .then(
        (value) => process.send?.({ type: 'result', id: msg.id, value }),
        (err: unknown) =>
          process.send?.({ type: 'error', id: msg.id, message: String((err as Error)?.message ?? err) }),
      );
  });
  const shutdown = async (): Promise<void> => {
    await role.close?.();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.on('disconnect', () => void shutdown());
  process.send?.({ type: 'ready', value: role.info ?? {} });
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
