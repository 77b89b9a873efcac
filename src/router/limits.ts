import type { Logger } from '../logger';
import type { Transport } from '../transport/transport';
import type { ResolvedLimits } from './options';

/** How often held-back publishers look at the subscribers they wait for, ms. */
const HOLD_POLL_INTERVAL = 2;

/** What became of one outbound message. */
export type SendOutcome =
  /** Handed to the transport. */
  | 'sent'
  /** An EVENT skipped because the receiver is slow (outbound high-water mark). */
  | 'dropped'
  /** Larger than the receiver's transport accepts; nothing was sent. */
  | 'too_big'
  /** The payload cannot be carried by the receiver's serializer. */
  | 'unserializable'
  /** The receiver is gone, or was just closed for exceeding the outbound hard limit. */
  | 'closed';

/** What the guard decides for one frame. */
export type Admission = 'send' | 'drop' | 'overflow';

/**
 * The slow-consumer policy of one session (see `LimitsOptions`): EVENTs are dropped while
 * the transport holds more than the high-water mark of unsent bytes; any message finding
 * more than the hard limit closes the session. Results and errors are never dropped, since
 * a caller waits for them, but they still count towards the hard limit. Logs once when a
 * session starts dropping and once when it recovers, not once per event.
 *
 * Before it gets there, a subscriber past half the mark holds back the publishers feeding it
 * (see `Backpressure`); only one that does not drain within `slowConsumerTimeout` is slow, and
 * only a slow one can lose events: one that keeps reading loses none, whatever the burst.
 */
export class OutboundGuard {
  private dropped = 0;
  private dropping = false;
  private slow = false;

  constructor(
    private readonly limits: Pick<
      ResolvedLimits,
      'outboundHighWaterMark' | 'outboundHardLimit' | 'slowConsumerTimeout'
    >,
    private readonly logger: Logger,
  ) {}

  /** Events dropped for this session since it joined. */
  get droppedEvents(): number {
    return this.dropped;
  }

  /** True when this session, holding `bufferedAmount` unsent bytes, should hold back its publishers. */
  holdsBack(bufferedAmount: number): boolean {
    if (this.slow || this.limits.slowConsumerTimeout === 0) return false;
    return bufferedAmount > this.limits.outboundHighWaterMark / 2;
  }

  /** True once a session that held back publishers has drained enough to let them go on. */
  drained(bufferedAmount: number): boolean {
    return bufferedAmount <= this.limits.outboundHighWaterMark / 4;
  }

  /** How long this session may hold back a publisher, ms. */
  get holdTimeout(): number {
    return this.limits.slowConsumerTimeout;
  }

  /** It did not drain in time: publishers go on without it until it has drained. */
  markSlow(bufferedAmount: number): void {
    if (this.slow) return;
    this.slow = true;
    this.logger.warn(
      { bufferedAmount, slowConsumerTimeout: this.limits.slowConsumerTimeout },
      'a subscriber did not drain in time: publishers go on without waiting for it (slow consumer)',
    );
  }

  admit(bufferedAmount: number, droppable: boolean): Admission {
    if (this.slow && this.drained(bufferedAmount)) this.slow = false;
    if (bufferedAmount > this.limits.outboundHardLimit) {
      this.logger.warn(
        { bufferedAmount, limit: this.limits.outboundHardLimit },
        'closing a session whose outbound buffer exceeds the hard limit (slow consumer)',
      );
      return 'overflow';
    }
    if (bufferedAmount > this.limits.outboundHighWaterMark) {
      if (!droppable) return 'send';
      if (!this.dropping) {
        this.dropping = true;
        this.logger.warn(
          { bufferedAmount, highWaterMark: this.limits.outboundHighWaterMark },
          'dropping events to a slow session until its outbound buffer drains',
        );
      }
      this.dropped++;
      return 'drop';
    }
    if (this.dropping) {
      this.dropping = false;
      this.logger.info({ droppedEvents: this.dropped }, 'slow session drained; delivering events again');
    }
    return 'send';
  }
}

/** A subscriber as `Backpressure` sees it. */
export interface HoldingSession {
  readonly transport: Transport;
  readonly outbound: OutboundGuard;
}

/** A publisher held back, and the subscribers it waits for. */
interface Hold {
  readonly since: number;
  readonly waitingFor: Set<HoldingSession>;
}

/**
 * Publishers held back on the subscribers they feed (one per broker). After a fan-out, a
 * subscriber past half its high-water mark that is not slow makes the router stop reading
 * from the publisher (`Transport.pauseReading`: TCP pushes back on it) until every such
 * subscriber has drained to a quarter of its mark. A subscriber that has not drained within
 * its `slowConsumerTimeout` is marked slow and waited for no more: its EVENTs are then
 * dropped above the mark, nobody else's. Held publishers are looked at every 2 ms, and only
 * while some are held.
 */
export class Backpressure {
  private readonly holds = new Map<Transport, Hold>();
  private timer: NodeJS.Timeout | null = null;

  /** `subscriber` just got an EVENT `publisher` sent: hold the publisher back if it must wait. */
  consider(publisher: Transport, subscriber: HoldingSession): void {
    if (publisher.pauseReading === undefined || publisher === subscriber.transport) return;
    if (!subscriber.outbound.holdsBack(subscriber.transport.bufferedAmount)) return;
    let hold = this.holds.get(publisher);
    if (hold === undefined) {
      hold = { since: Date.now(), waitingFor: new Set() };
      this.holds.set(publisher, hold);
      publisher.pauseReading();
      this.schedule();
    }
    hold.waitingFor.add(subscriber);
  }

  /** Publishers held back now. */
  get held(): number {
    return this.holds.size;
  }

  /** Lets every publisher go (the realm closes). */
  releaseAll(): void {
    for (const publisher of this.holds.keys()) publisher.resumeReading?.();
    this.holds.clear();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private readonly poll = (): void => {
    this.timer = null;
    const now = Date.now();
    for (const [publisher, hold] of this.holds) {
      for (const subscriber of hold.waitingFor) {
        const { transport, outbound } = subscriber;
        const buffered = transport.bufferedAmount;
        if (!transport.isOpen || outbound.drained(buffered)) hold.waitingFor.delete(subscriber);
        else if (now - hold.since >= outbound.holdTimeout) {
          outbound.markSlow(buffered);
          hold.waitingFor.delete(subscriber);
        }
      }
      if (hold.waitingFor.size === 0 || !publisher.isOpen) {
        this.holds.delete(publisher);
        publisher.resumeReading?.();
      }
    }
    if (this.holds.size > 0) this.schedule();
  };

  private schedule(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(this.poll, HOLD_POLL_INTERVAL);
    this.timer.unref();
  }
}
