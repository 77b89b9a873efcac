import type { Logger } from '../logger';
import type { ResolvedLimits } from './options';

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
 */
export class OutboundGuard {
  private dropped = 0;
  private dropping = false;

  constructor(
    private readonly limits: Pick<ResolvedLimits, 'outboundHighWaterMark' | 'outboundHardLimit'>,
    private readonly logger: Logger,
  ) {}

  /** Events dropped for this session since it joined. */
  get droppedEvents(): number {
    return this.dropped;
  }

  admit(bufferedAmount: number, droppable: boolean): Admission {
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
