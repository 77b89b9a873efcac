import { TransportError } from './transport';

/** Transport-level heartbeat: a ping every `interval` ms; no pong within `timeout` ms ends the link. */
export interface KeepAliveOptions {
  interval: number;
  timeout: number;
}

/** Throws a `TransportError` naming the option when the keep-alive settings cannot work. */
export function checkKeepAliveOptions(options: KeepAliveOptions | undefined): void {
  if (options === undefined) return;
  for (const key of ['interval', 'timeout'] as const) {
    const value = options[key];
    if (!Number.isFinite(value) || value <= 0) {
      throw new TransportError(`keepAlive.${key} must be a positive number of milliseconds, got ${value}`);
    }
  }
}

/**
 * One connection's heartbeat, driven by a single timer that alternates between "wait until
 * the next ping" and "wait for the pong": no timer per message, none while idle in between.
 */
export class KeepAlive {
  private timer: NodeJS.Timeout | null = null;
  private awaitingPong = false;
  private pingSentAt = 0;

  constructor(
    private readonly options: KeepAliveOptions,
    /** Sends one ping on the link. */
    private readonly ping: () => void,
    /** Called once when a pong is overdue; the owner drops the link. */
    private readonly expire: (error: TransportError) => void,
  ) {}

  start(): void {
    this.arm(this.options.interval);
  }

  /** A pong arrived: the peer is alive; the next ping goes out one interval after the last. */
  pong(): void {
    if (!this.awaitingPong || this.timer === null) return;
    this.awaitingPong = false;
    const elapsed = Date.now() - this.pingSentAt;
    this.arm(Math.max(0, this.options.interval - elapsed));
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(delay: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(this.tick, delay);
  }

  private readonly tick = (): void => {
    if (this.awaitingPong) {
      this.stop();
      this.expire(
        new TransportError(`keep-alive: no pong within ${this.options.timeout} ms`, 'KEEPALIVE_TIMEOUT'),
      );
      return;
    }
    this.awaitingPong = true;
    this.pingSentAt = Date.now();
    this.arm(this.options.timeout);
    this.ping();
  };
}
