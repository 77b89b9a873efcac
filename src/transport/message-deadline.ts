import { TransportError } from './transport';

/**
 * The deadline of an unfinished inbound message: once a message has started to arrive, it
 * must be complete within `timeout` ms, so a peer cannot hold the router's buffers with a
 * message it never finishes (or finishes at a byte a second).
 *
 * Cheap on the hot path: a message that arrives in one read never touches it, and one timer
 * per link is re-armed lazily (it checks the start time when it fires) instead of per chunk.
 */
export class MessageDeadline {
  /** When the unfinished message started, 0 when none is in progress. */
  private startedAt = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly timeout: number,
    /** Called once when a message is overdue; the owner drops the link. */
    private readonly expire: (error: TransportError) => void,
  ) {}

  /**
   * After each inbound chunk: `unfinished` when the chunk ended inside a message,
   * `restarted` when a message completed in this chunk (a new one may have begun).
   */
  update(unfinished: boolean, restarted: boolean): void {
    if (!unfinished) {
      this.startedAt = 0;
      return;
    }
    if (this.startedAt === 0 || restarted) this.startedAt = Date.now();
    if (this.timer === null) this.arm(this.timeout);
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.startedAt = 0;
  }

  private arm(delay: number): void {
    this.timer = setTimeout(this.check, delay);
    this.timer.unref();
  }

  private readonly check = (): void => {
    this.timer = null;
    if (this.startedAt === 0) return;
    const age = Date.now() - this.startedAt;
    if (age < this.timeout) return this.arm(this.timeout - age);
    this.expire(
      new TransportError(`an inbound message was not completed within ${this.timeout} ms`, 'MESSAGE_TIMEOUT'),
    );
  };
}
