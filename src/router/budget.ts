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
/**
 * At this share of what the budget holds, links still receiving an unfinished message are no
 * longer read: what they send waits in their socket (TCP pushes back on them) instead of being
 * allocated here, and new sessions are refused. The rest is for bytes already on their way.
 */
const PAUSE_SHARE = 0.9;
/** Paused links are read again, and new sessions accepted, once the total is below this share. */
const RECOVERY_SHARE = 0.75;
/**
 * What holding a byte costs the process, in bytes: the allocator's retention and V8's
 * bookkeeping of many socket chunks come on top of the bytes themselves (measured with
 * `npm run bench -- --only hostile`, one attack at a time: about 1.1x for unfinished messages
 * held, more while links are being dropped, since their buffers stay allocated until V8
 * collects them and freed chunks are not all returned). The budget is of memory, so buffers
 * are held up to the budget divided by this; with growing links paused near it rather than
 * dropped past it, the bench's mixed attack grew the process 0.64-0.75x the budget
 * (docs/benchmarks.md).
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
 * high-water mark, and every 250 ms. Of what the budget can hold (the budget over
 * HOLDING_COST):
 * - at 90 %, links receiving an unfinished message are paused (not read): nothing more of
 *   theirs is allocated, and new sessions are refused. Their message deadline still runs, so
 *   one that cannot finish is cut by `limits.messageTimeout`;
 * - past it (output grew, or bytes in flight arrived), the sessions holding the most are
 *   dropped first, at once (their buffers are what is too much), until the total is back
 *   within it;
 * - below three quarters, paused links are read again and new sessions accepted.
 *
 * Pausing comes first because a drop frees nothing until V8 collects the dropped buffers,
 * and the allocator keeps much of what it frees: bytes refused at the socket cost nothing.
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
  /** Each link's unfinished inbound bytes as last counted or reported: what `grew` adds on. */
  private readonly inboundAtCount = new WeakMap<Transport, number>();
  /** Links this budget stopped reading, until the total is back below the recovery share. */
  private readonly paused = new Set<Transport>();

  /** The bytes the budget lets the router hold. */
  readonly limit: number;
  /** At this total, links growing an unfinished message are paused. */
  private readonly pauseMark: number;

  constructor(
    /** `limits.maxBufferedBytes`: what buffering may add to the process's memory. */
    readonly budget: number,
    private readonly sessions: () => Iterable<BudgetedSession>,
    private readonly logger: Logger,
  ) {
    this.limit = Math.floor(budget / HOLDING_COST);
    this.pauseMark = Math.floor(this.limit * PAUSE_SHARE);
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

  /**
   * `transport`'s unfinished inbound message grew by another report step. The count is kept
   * up to date at once (the last count plus what the link has grown by since), and the link
   * paused at once when the budget is that full, so bytes arriving within the gap between two
   * checks are not read; then a check.
   */
  grew(transport: Transport): void {
    const held = transport.inboundBufferedAmount ?? 0;
    this.total += held - (this.inboundAtCount.get(transport) ?? 0);
    this.inboundAtCount.set(transport, held);
    if (this.total >= this.pauseMark) {
      this.refuse(this.total);
      this.pause(transport);
    }
    this.check();
  }

  /** Counts, pauses growing links near the budget and drops the largest holders past it. Cheap to call often. */
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
    // A paused link that closed (cut by its message deadline) must not be kept alive from here.
    for (const transport of this.paused) if (!transport.isOpen) this.paused.delete(transport);
    const held: { session: BudgetedSession; bytes: number }[] = [];
    let total = 0;
    for (const session of this.sessions()) {
      if (this.dropped.has(session.transport)) continue;
      const inbound = session.transport.inboundBufferedAmount ?? 0;
      const bytes = session.transport.bufferedAmount + inbound;
      if (inbound > 0) this.inboundAtCount.set(session.transport, inbound);
      else this.inboundAtCount.delete(session.transport);
      if (bytes === 0) continue;
      total += bytes;
      held.push({ session, bytes });
    }
    if (total >= this.pauseMark) this.pauseGrowing(held, total);
    if (total > this.limit) total = this.shed(held, total);
    this.total = total;
    if (total < this.limit * RECOVERY_SHARE) this.recover(total);
  }

  stop(): void {
    clearInterval(this.sweep);
    clearTimeout(this.trailing);
  }

  private refuse(total: number): void {
    if (this.refusing) return;
    this.refusing = true;
    this.logger.warn(
      { buffered: total, limit: this.limit, budget: this.budget },
      'buffer budget full: refusing new sessions, pausing unfinished messages, dropping the largest holders past it',
    );
  }

  /** Stops reading every link in the middle of an inbound message: its next bytes have no room. */
  private pauseGrowing(held: { session: BudgetedSession; bytes: number }[], total: number): void {
    this.refuse(total);
    for (const { session } of held) {
      if ((session.transport.inboundBufferedAmount ?? 0) > 0) this.pause(session.transport);
    }
  }

  private pause(transport: Transport): void {
    if (this.paused.has(transport) || this.dropped.has(transport) || transport.pauseReading === undefined)
      return;
    transport.pauseReading('budget');
    this.paused.add(transport);
  }

  private recover(total: number): void {
    for (const transport of this.paused) transport.resumeReading?.('budget');
    this.paused.clear();
    if (!this.refusing) return;
    this.refusing = false;
    this.logger.info(
      { buffered: total, limit: this.limit },
      'buffer budget recovered; accepting sessions again',
    );
  }

  private shed(held: { session: BudgetedSession; bytes: number }[], total: number): number {
    this.refuse(total);
    held.sort((a, b) => b.bytes - a.bytes);
    for (const { session, bytes } of held) {
      if (total <= this.limit) break;
      this.logger.warn(
        { peer: session.transport.peer, bytes },
        'dropping a session: it holds the most buffered bytes',
      );
      this.dropped.add(session.transport);
      this.paused.delete(session.transport);
      session.close(CLOSE_POLICY, 'router buffer budget exceeded');
      session.transport.terminate?.();
      total -= bytes;
    }
    return total;
  }
}
