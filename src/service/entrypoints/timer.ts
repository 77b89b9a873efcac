import type { TimerDefinition } from '../definition';
import { runWorker, type EntrypointWorkers } from '../worker';
import type { Entrypoint, EntrypointHost } from './entrypoint';

/**
 * `@Timer(interval)`: runs the method every `interval` ms. Ticks never overlap: the next one
 * is due `interval` after the previous started, or at once if that one ran longer.
 */
export class TimerEntrypoint implements Entrypoint {
  readonly label: string;
  private timer?: NodeJS.Timeout;
  private stopped = true;
  private readonly workers: EntrypointWorkers;

  constructor(
    private readonly host: EntrypointHost,
    private readonly definition: TimerDefinition,
  ) {
    this.label = `timer ${definition.method} every ${definition.interval} ms`;
    this.workers = host.workers(definition);
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.schedule(this.definition.options.eager ? 0 : this.definition.interval);
  }

  async stop(): Promise<void> {
    this.kill();
  }

  /** No tick after this one; a tick running now finishes (the container aborts its signal). */
  kill(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), delay);
  }

  private async tick(): Promise<void> {
    const started = Date.now();
    try {
      await runWorker(this.workers, [], {}, { uri: undefined, signal: this.host.killSignal });
    } catch (err) {
      this.host.logger.error({ err, method: this.definition.method }, 'timer tick failed');
    }
    this.schedule(Math.max(0, this.definition.interval - (Date.now() - started)));
  }
}
