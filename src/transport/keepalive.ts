import { TransportError } from './transport';

/**
 * Transport-level liveness: a link that has been silent (no byte received) for `interval` ms
 * gets a ping (WebSocket ping / RawSocket PING); if it stays silent `timeout` ms more, it is
 * dropped. Any inbound traffic counts as a sign of life, so a busy link is never pinged.
 */
export interface KeepAliveOptions {
  interval: number;
  timeout: number;
}

/**
 * On by default for our clients and the router's listeners: a peer whose packets stop (a
 * crashed host, a cut cable, a frozen NAT) is noticed within 20 to 30 s.
 */
export const DEFAULT_KEEPALIVE: Readonly<KeepAliveOptions> = Object.freeze({
  interval: 10_000,
  timeout: 10_000,
});

/** The keep-alive of an option that may be absent (the default) or `false` (off). */
export function keepAliveOf(options: KeepAliveOptions | false | undefined): KeepAliveOptions | undefined {
  if (options === false) return undefined;
  return options ?? DEFAULT_KEEPALIVE;
}

/** Throws a `TransportError` naming the option when the keep-alive settings cannot work. */
export function checkKeepAliveOptions(options: KeepAliveOptions | false | undefined): void {
  if (options === undefined || options === false) return;
  for (const key of ['interval', 'timeout'] as const) {
    const value = options[key];
    if (!Number.isFinite(value) || value <= 0) {
      throw new TransportError(`keepAlive.${key} must be a positive number of milliseconds, got ${value}`);
    }
  }
}

/**
 * One connection's heartbeat, driven by a single timer: no timer per message, and no clock
 * read per message either — inbound traffic only sets a flag (`heard`) that the timer reads.
 */
export class KeepAlive {
  private timer: NodeJS.Timeout | null = null;
  private heardSinceTick = false;
  private awaiting = false;
  /** True while the owner stopped reading: the peer cannot be heard, so it is not silent. */
  private suspended = false;

  constructor(
    private readonly options: KeepAliveOptions,
    /** Sends one ping on the link. */
    private readonly ping: () => void,
    /** Called once when the link stayed silent too long; the owner drops the link. */
    private readonly expire: (error: TransportError) => void,
  ) {}

  start(): void {
    this.arm(this.options.interval);
  }

  /** Bytes arrived from the peer (a pong, a message, anything). */
  heard(): void {
    this.heardSinceTick = true;
  }

  /** The owner stopped (true) or resumed (false) reading from the peer. */
  suspend(suspended: boolean): void {
    this.suspended = suspended;
    if (!suspended) this.heardSinceTick = true;
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(delay: number): void {
    this.timer = setTimeout(this.tick, delay);
    // A heartbeat never keeps a process alive on its own.
    this.timer.unref();
  }

  private readonly tick = (): void => {
    if (this.heardSinceTick || this.suspended) {
      this.heardSinceTick = false;
      this.awaiting = false;
      return this.arm(this.options.interval);
    }
    if (this.awaiting) {
      this.timer = null;
      const { interval, timeout } = this.options;
      return this.expire(
        new TransportError(
          `keep-alive: the peer sent nothing for ${interval + timeout} ms, not even a pong`,
          'KEEPALIVE_TIMEOUT',
        ),
      );
    }
    this.awaiting = true;
    this.arm(this.options.timeout);
    this.ping();
  };
}
