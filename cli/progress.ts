import { colour } from './style';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * A step that takes long (npm install): at a terminal, a spinner with the seconds so far on
 * one line; elsewhere (CI, a pipe) one line when it starts and one when it ends.
 */
export class Progress {
  private readonly startedAt = Date.now();
  private frame = 0;
  private readonly timer?: NodeJS.Timeout;
  private readonly c: ReturnType<typeof colour>;

  private constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream,
  ) {
    this.c = colour(stream);
    if (stream.isTTY) {
      this.draw();
      this.timer = setInterval(() => this.draw(), 80);
    } else {
      stream.write(`${label}...\n`);
    }
  }

  static start(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
    return new Progress(label, stream);
  }

  succeed(): void {
    this.end(this.c('green', '✔'));
  }

  fail(): void {
    this.end(this.c('red', '✖'));
  }

  private end(mark: string): void {
    clearInterval(this.timer);
    const line = `${mark} ${this.label} ${this.c('dim', `(${this.seconds()})`)}`;
    this.stream.write(this.stream.isTTY ? `\r\x1b[2K${line}\n` : `${line}\n`);
  }

  private draw(): void {
    const spinner = this.c('cyan', FRAMES[this.frame++ % FRAMES.length]);
    this.stream.write(`\r\x1b[2K${spinner} ${this.label} ${this.c('dim', this.seconds())}`);
  }

  private seconds(): string {
    return `${((Date.now() - this.startedAt) / 1000).toFixed(1)}s`;
  }
}
