import type { Logger } from '../logger';
import type { Transport } from '../transport/transport';

/** What the budget needs of a session: its link, and a way to end it. */
export interface BudgetedSession {
  readonly transport: Transport;
  close(code?: number, reason?: string): void;
}

/** How often the budget is recounted even when nothing asks, ms: outbound buffers drain silently. */
const SWEEP_INTERVAL = 250;
/** A check asked for within this many ms of the last one is skipped (counting is O(sessions)). */
const MIN_CHECK_GAP = 5;
/** Once over budget, new sessions are refused until the total falls below this share of it. */
const RECOVERY_SHARE = 0.75;
/**
 * What holding a byte costs the process, in bytes: the allocator's retention and V8's
 * bookkeeping of many socket chunks come on top of the bytes themselves (measured with
 * `npm run bench -- --only hostile`: 1.65-1.8x while attackers are being dropped, since their
 * buffers stay allocated until V8 collects them and freed chunks are not all returned). The budget is
 * of memory, so buffers are held up to the budget divided by this. Not yet enough: under the
 * bench's mixed attack the process still grew 1.06-1.23x the budget (docs/benchmarks.md).
 */
const HOLDING_COST = 2;
/** WebSocket 1008, "policy violation". */
const CLOSE_POLICY = 1008;

/** Bytes a link holds: unsent output plus an unfinished inbound message. */
export function bufferedBytesOf(transport: Transport): number {
  return transport.bufferedAmount + (transport.inboundBufferedAmount ?? 0);
}

/**
 * The router-wide budget of memory for buffers (`limits.maxBufferedBytes`). Buffered bytes are
 * counted when a link's unfinished inbound message grows, when a session's output passes its
 * high-water mark, and every 250 ms; past what the budget can hold (the budget over
 * HOLDING_COST), the sessions holding the most are dropped first (at once: their buffers are
 * what is too much) until the total is back within it, and new sessions are refused until it
 * is below three quarters of it.
 */
export class BufferBudget {
  private lastCheck = 0;
  private refusing = false;
  private total = 0;
  private readonly sweep: NodeJS.Timeout;
  /** A check asked for inside the gap, run at its end: growth is never left uncounted. */
  private trailing: NodeJS.Timeout | undefined;
  /**
   * Links this budget dropped. Their sockets are destroyed, so what they held is garbage now;
   * counting it again until their close event detaches them would drop innocent sessions and
   * log the same drop twice.
   */
  private readonly dropped = new WeakSet<Transport>();

  /** The bytes the budget lets the router hold. */
  readonly limit: number;

  constructor(
    /** `limits.maxBufferedBytes`: what buffering may add to the process's memory. */
    readonly budget: number,
    private readonly sessions: () => Iterable<BudgetedSession>,
    private readonly logger: Logger,
  ) {
    this.limit = Math.floor(budget / HOLDING_COST);
    this.sweep = setInterval(() => this.check(true), SWEEP_INTERVAL);
    this.sweep.unref();
  }

  /** True while new sessions must be refused. */
  get overloaded(): boolean {
    return this.refusing;
  }

  /** Bytes buffered over every session at the last count. */
  get buffered(): number {
    return this.total;
  }

  /** Counts, and drops the largest holders if over budget. Cheap to call often. */
  check(force = false): void {
    const now = Date.now();
    if (!force && now - this.lastCheck < MIN_CHECK_GAP) {
      this.trailing ??= setTimeout(() => {
        this.trailing = undefined;
        this.check(true);
      }, MIN_CHECK_GAP);
      return;
    }
    this.lastCheck = now;
    const held: { session: BudgetedSession; bytes: number }[] = [];
    let total = 0;
    for (const session of this.sessions()) {
      if (this.dropped.has(session.transport)) continue;
      const bytes = bufferedBytesOf(session.transport);
      if (bytes === 0) continue;
      total += bytes;
      held.push({ session, bytes });
    }
    if (total > this.limit) total = this.shed(held, total);
    this.total = total;
    if (this.refusing && total < this.limit * RECOVERY_SHARE) {
      this.refusing = false;
      this.logger.info(
        { buffered: total, limit: this.limit },
        'buffer budget recovered; accepting sessions again',
      );
    }
  }

  stop(): void {
    clearInterval(this.sweep);
    clearTimeout(this.trailing);
  }

  private shed(held: { session: BudgetedSession; bytes: number }[], total: number): number {
    if (!this.refusing) {
      this.refusing = true;
      this.logger.warn(
        { buffered: total, limit: this.limit, budget: this.budget },
        'buffer budget exceeded: refusing new sessions and dropping the largest holders',
      );
    }
    held.sort((a, b) => b.bytes - a.bytes);
    for (const { session, bytes } of held) {
      if (total <= this.limit) break;
      this.logger.warn(
        { peer: session.transport.peer, bytes },
        'dropping a session: it holds the most buffered bytes',
      );
      this.dropped.add(session.transport);
      session.close(CLOSE_POLICY, 'router buffer budget exceeded');
      session.transport.terminate?.();
      total -= bytes;
    }
    return total;
  }
}
