import type { Logger } from '../logger';
import type { ErrorMessage, Message, MessageOf, MessageType } from '../protocol/messages';
import type { RouterFeatures } from './features';
import type { DirectSide } from '../transport/inprocess';

/** What a role (caller, callee, publisher, subscriber) needs from its session. */
export interface SessionLink {
  /** Encodes and sends; throws `SessionClosedError` when the session is not joined. */
  send(message: Message): void;
  /** The next request id of this session. */
  nextId(): number;
  /** Throws `SessionClosedError` unless the session is joined. */
  assertOpen(): void;
  /**
   * The dealer's side of direct calls, when a call may go to it without messages now (an
   * in-process link, no message hooks); undefined otherwise.
   */
  direct?(): DirectSide | undefined;
  /** Features of the router the session joined. */
  readonly router: RouterFeatures;
  readonly logger: Logger;
}

/** Handlers of inbound messages, keyed by message code. */
export type MessageTable = { [T in MessageType]?: (message: MessageOf<T>) => void };

/** Handlers of inbound ERROR messages, keyed by the type of the request they answer. */
export type ErrorTable = Partial<Record<MessageType, (message: ErrorMessage) => void>>;

/** One role of a client session. */
export interface Role {
  /** The messages this role handles. */
  readonly messages: MessageTable;
  /** The ERROR replies this role handles, by request type. */
  readonly errors: ErrorTable;
  /** The session ended: fail every pending request with `error` and let go of all state. */
  close(error: Error): void;
}
