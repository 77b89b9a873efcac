import { colour } from './style';

/** What a long-running command stops on a signal. */
export interface Stoppable {
  /** The graceful stop (GOODBYE to every session, in-flight work finished...). */
  stop(): Promise<void>;
  /** The forced stop a second signal asks for (abort running work); optional. */
  kill?(): Promise<void>;
}

/**
 * SIGINT / SIGTERM stop `target` gracefully, then the process exits 0 (1 if stopping fails);
 * a second signal while it stops exits 1 at once. Progress goes to stderr, so stdout keeps
 * only what the command prints.
 */
export function stopOnSignals(target: Stoppable, stderr: NodeJS.WriteStream = process.stderr): void {
  const c = colour(stderr);
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      stderr.write(c('red', `${signal} again: stopping now\n`));
      const killed = target.kill?.() ?? Promise.resolve();
      killed.then(
        () => process.exit(1),
        (error: unknown) => {
          stderr.write(c('red', `kill failed: ${(error as Error).message}\n`));
          process.exit(1);
        },
      );
      return;
    }
    stopping = true;
    stderr.write(c('yellow', `${signal}: stopping gracefully (again to force)\n`));
    target.stop().then(
      () => {
        stderr.write('stopped\n');
        process.exit(0);
      },
      (error: unknown) => {
        stderr.write(c('red', `stop failed: ${(error as Error).message}\n`));
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
