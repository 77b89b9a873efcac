import { isThenable } from '../client/callee';
import { WampError } from '../protocol/errors';
import { ServiceErrorUri } from './constants';

/**
 * Bounds the entrypoint calls of one service instance: at most `limit` run at once, at most
 * `maxQueued` wait; beyond that a call is refused with `wservice.error.overloaded`. After
 * `close()` new calls are refused with `wservice.error.unavailable`.
 */
export class ConcurrencyGate {
  private running = 0;
  private readonly queue: Array<() => void> = [];
  private closed = false;
  private refused = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly limit: number,
    private readonly maxQueued: number,
    private readonly service: string,
  ) {}

  /** Calls running now. */
  get active(): number {
    return this.running;
  }

  /** Calls waiting for a slot. */
  get queued(): number {
    return this.queue.length;
  }

  /** Calls refused so far because the queue was full (wservice.error.overloaded). */
  get overloaded(): number {
    return this.refused;
  }

  /** Runs `work` when a slot is free (at once, without a detour through the queue, if one is). */
  async run<T>(work: () => Promise<T> | T): Promise<T> {
    return this.enter(work);
  }

  /**
   * `run` without a promise of its own: with a slot free, `work` runs at once and a value it
   * returns comes back as is (a refusal is thrown); only a queued call or a promise from
   * `work` makes the result a promise.
   */
  enter<T>(work: () => Promise<T> | T): Promise<T> | T {
    return this.enterWith(callWork, work, undefined);
  }

  /**
   * `enter` for `work(a, b)`: no closure is made for a call that finds a slot free.
   */
  enterWith<A, B, T>(work: (a: A, b: B) => Promise<T> | T, a: A, b: B): Promise<T> | T {
    const waiting = this.acquire();
    if (waiting !== undefined) return waiting.then(() => this.holding(work, a, b));
    return this.holding(work, a, b);
  }

  /** Runs `work` in the slot taken for it, and gives the slot back when it settles. */
  private holding<A, B, T>(work: (a: A, b: B) => Promise<T> | T, a: A, b: B): Promise<T> | T {
    let result: Promise<T> | T;
    try {
      result = work(a, b);
    } catch (err) {
      this.release();
      throw err;
    }
    if (!isThenable(result)) {
      this.release();
      return result;
    }
    return Promise.resolve(result).then(
      (value) => {
        this.release();
        return value;
      },
      (err: unknown) => {
        this.release();
        throw err;
      },
    );
  }

  /** Refuse new calls from now on; queued ones still run. */
  close(): void {
    this.closed = true;
  }

  /**
   * Resolves when nothing runs and nothing waits, or after `timeoutMs`, or when `signal`
   * aborts; true if idle. Its timer and listener go as soon as it resolves.
   */
  async idle(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.running === 0 && this.queue.length === 0) return true;
    if (signal?.aborted) return false;
    return new Promise<boolean>((resolve) => {
      const finish = (idle: boolean): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        resolve(idle);
      };
      const done = (): void => finish(true);
      const onAbort = (): void => finish(false);
      const timer = setTimeout(() => finish(false), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.idleWaiters.push(done);
    });
  }

  private acquire(): Promise<void> | void {
    if (this.closed) {
      throw new WampError(ServiceErrorUri.UNAVAILABLE, [
        `${this.service} is stopping and takes no new calls`,
      ]);
    }
    if (this.running < this.limit) {
      this.running++;
      return;
    }
    if (this.queue.length >= this.maxQueued) {
      this.refused++;
      throw new WampError(ServiceErrorUri.OVERLOADED, [
        `${this.service} is busy: ${this.running} calls running and ${this.queue.length} queued`,
      ]);
    }
    return new Promise<void>((resolve) => this.queue.push(resolve));
  }

  private release(): void {
    // Nothing waits, most of the time: no shift of an empty queue.
    const next = this.queue.length === 0 ? undefined : this.queue.shift();
    if (next !== undefined) {
      next(); // the slot passes straight to the next waiter
      return;
    }
    this.running--;
    // No new array per call when nobody waits for idle.
    if (this.running === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}

function callWork<T>(work: () => Promise<T> | T): Promise<T> | T {
  return work();
}
