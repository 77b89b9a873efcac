import { RPC_MESSAGES, decodable, encode } from '../protocol/codec';
import type {
  Args,
  CallOptions,
  CancelMode,
  Dict,
  Id,
  InvocationDetails,
  Kwargs,
  Message,
  WireMessage,
} from '../protocol/messages';
import type { Frame, Serializer } from '../protocol/serializer';
import type { CloseInfo, PeerCertificate, Transport, TransportHandlers } from './transport';

/** Where the peer of an in-process end really is, when it stands for a remote client (the HTTP bridge). */
export interface LinkInfo {
  peer?: string;
  origin?: string;
  peerCertificate?: PeerCertificate;
  /**
   * False: every message travels as a wire array, through `encode` and `decode`, also the RPC
   * messages a typed-aware owner would send as they are (`sendMessage`). For comparing the two.
   */
  typedMessages?: boolean;
  /**
   * False: no call skips the messages (`DirectSide`); every CALL, INVOCATION, YIELD and RESULT
   * crosses the link. For comparing the two. Default true (with `typedMessages`).
   */
  directCalls?: boolean;
}

/**
 * The in-process "serializer": frames are the wire arrays themselves. Nothing is copied, so
 * a peer must not mutate the arguments it receives (documented in docs/architecture.md).
 */
export const inProcessSerializer: Serializer = {
  name: 'inprocess',
  binary: false,
  serialize: (message: WireMessage): Frame => message,
  deserialize: (frame: Frame): unknown => frame,
};

/**
 * What an owner installs on an in-process end to take typed messages as they are
 * (`sendMessage`): the RPC messages skip `encode`, the wire array and `decode`.
 */
export interface MessageHandler {
  (message: Message): void;
}

/** An end's typed side, as its owner sees it (a client's `ReusableTransport` passes it on). */
export interface MessageLink {
  /** False when the message must go as a frame instead (see `InProcessEnd.sendMessage`). */
  sendMessage(message: Message): boolean;
  /** The owner's taker of typed messages; null stops taking them (frames are sent instead). */
  takeMessages(handler: MessageHandler | null): void;
  /** The owner's side of direct calls (a client's callee); null: none. */
  offerDirect(side: DirectSide | null): void;
  /** The dealer behind the other end, when a call may go to it directly now (see `directPeer`). */
  directPeer(): DirectSide | undefined;
}

/**
 * The CALL Options of a direct call that has none (`DirectSide.call`): one frozen object, so
 * the dealer knows them valid without reading them, and a call makes no empty object.
 */
export const NO_CALL_OPTIONS: CallOptions = Object.freeze({});

/**
 * The answer of a direct call (no CALL, INVOCATION, YIELD or RESULT message): exactly one of
 * `result` or `error`, once; the caller's side made it, the dealer and the callee pass it on.
 */
export interface DirectReply {
  /** The RESULT's payload; its Details are empty (a direct answer has no custom YIELD options). */
  result(args: Args | undefined, kwargs: Kwargs | undefined): void;
  /** `result([value])`, without the array: what a handler returned that is not a `Result`. */
  value(value: unknown): void;
  /** A progressive result (RESULT Details `progress`), before `result` or `error`: any number. */
  progress(args: Args | undefined, kwargs: Kwargs | undefined): void;
  error(uri: string, args: Args | undefined, kwargs: Kwargs | undefined, details: Dict): void;
}

/** The dealer's end of a direct invocation, as the callee answers it. */
export interface DirectInvocationReply extends DirectReply {
  /**
   * The callee's answer would have been a YIELD the router refuses (`problem`, what `decode`
   * says): as on the message path, the callee's session ends with a protocol violation.
   */
  violation(problem: string): void;
}

/** A direct call answered later, as its caller holds it: CANCEL, as a function call. */
export interface DirectPending {
  /** `CallTracker.cancel`'s outcome in `mode`: `reply` fails now, or (kill) with the callee's answer. */
  cancel(mode: CancelMode): void;
}

/** A direct invocation whose handler has not settled: the dealer may interrupt it. */
export interface DirectRun {
  interrupt(mode: 'kill' | 'killnowait', reason: string): void;
}

/**
 * What an in-process end's owner offers the other end's owner for calls that skip the
 * messages (docs/architecture.md, "The dealer-level call"): the router's session takes a
 * caller's call (`call`), a client's callee runs an invocation (`invoke`). Either answers
 * `false` when it did nothing and the call must go as messages; otherwise `reply` is
 * answered (at once: `'done'` / `undefined`, or later: the pending call / the run).
 */
export interface DirectSide {
  call?(
    procedure: string,
    options: CallOptions,
    args: Args | undefined,
    kwargs: Kwargs | undefined,
    reply: DirectReply,
  ): false | 'done' | DirectPending;
  invoke?(
    registration: Id,
    details: InvocationDetails,
    args: Args | undefined,
    kwargs: Kwargs | undefined,
    reply: DirectInvocationReply,
  ): false | DirectRun | undefined;
}

/**
 * One end of an in-process link. Frames are delivered in order, in a microtask batch, so a
 * send never re-enters the receiver synchronously.
 */
class InProcessEnd implements Transport, MessageLink {
  readonly serializer = inProcessSerializer;
  readonly kind = 'inprocess' as const;
  readonly peer: string;
  readonly origin?: string;
  readonly peerCertificate?: PeerCertificate;
  readonly maxMessageSize = Number.POSITIVE_INFINITY;
  readonly bufferedAmount = 0;

  other!: InProcessEnd;
  private handlers: TransportHandlers | null = null;
  private inbox: Frame[] = [];
  /** For each inbox entry: true when it is a typed message (`sendMessage`), not a frame. */
  private typed: boolean[] = [];
  /** The owner's taker of typed messages, when it has one (see `takeMessages`). */
  private onMessage: MessageHandler | null = null;
  private flushScheduled = false;
  /** Inbox entries the running flush has delivered or is delivering (the rest wait). */
  private taken = 0;
  private open = true;
  private closeInfo: CloseInfo | null = null;
  /** While true, received frames wait in the inbox (the router holds back this publisher). */
  private paused = false;
  /** The owner's side of direct calls (`offerDirect`). */
  private direct: DirectSide | null = null;

  constructor(
    link: LinkInfo = {},
    private readonly typedMessages = link.typedMessages ?? true,
    private readonly directCalls = typedMessages && (link.directCalls ?? true),
  ) {
    this.peer = link.peer ?? 'inprocess';
    if (link.origin !== undefined) this.origin = link.origin;
    if (link.peerCertificate !== undefined) this.peerCertificate = link.peerCertificate;
  }

  get isOpen(): boolean {
    return this.open;
  }

  attach(handlers: TransportHandlers): void {
    this.handlers = handlers;
    if (this.inbox.length > 0 || this.closeInfo) this.scheduleFlush();
  }

  send(frame: Frame): void {
    if (!this.open) return;
    this.other.receive(frame, false);
  }

  /**
   * Sends a typed message as it is when `decode` would accept its wire form (`decodable`)
   * and the other end takes typed messages; false when it did not (send a frame instead).
   */
  sendMessage(message: Message): boolean {
    if (!this.open) return true;
    if (!this.typedMessages || this.other.onMessage === null || !decodable(message)) return false;
    this.other.receive(message as unknown as Frame, true);
    return true;
  }

  /**
   * `sendMessage` for the router's end, whose messages are built from what it checked when it
   * received them: an RPC message goes as it is, unchecked, when the other end takes them.
   */
  sendTrusted(message: Message): boolean {
    if (!this.open) return true;
    if (!this.typedMessages || this.other.onMessage === null || !RPC_MESSAGES.has(message.type)) return false;
    this.other.receive(message as unknown as Frame, true);
    return true;
  }

  /** Paused, and not closing (a closing link delivers what it holds, then the close). */
  private get holding(): boolean {
    return this.paused && this.closeInfo === null;
  }

  pauseReading(): void {
    this.paused = true;
  }

  resumeReading(): void {
    this.paused = false;
    if (this.inbox.length > 0 || this.closeInfo) this.scheduleFlush();
  }

  close(code = 1000, reason = 'closed'): void {
    if (!this.open) return;
    const info: CloseInfo = { code, reason, wasClean: true };
    this.shut(info);
    this.other.shut(info);
  }

  /** The owner offers direct calls to the other end's owner (`DirectSide`); null withdraws it. */
  offerDirect(side: DirectSide | null): void {
    this.direct = side;
  }

  /**
   * The other end's direct side, when a call may skip the messages now: typed messages on, the
   * link open, the other end taking them, and nothing this end sent waiting in the other's
   * inbox (a direct call must not pass a message sent before it) nor held there (paused by
   * the router's budget).
   */
  directPeer(): DirectSide | undefined {
    const other = this.other;
    if (
      !this.typedMessages ||
      !this.directCalls ||
      !this.open ||
      other.direct === null ||
      other.onMessage === null ||
      other.inbox.length !== other.taken ||
      other.paused
    )
      return undefined;
    return other.direct;
  }

  /** The owner takes typed messages too: what the other end sends with `sendMessage`. */
  takeMessages(handler: MessageHandler | null): void {
    this.onMessage = handler;
  }

  private receive(frame: Frame, typed: boolean): void {
    this.inbox.push(frame);
    this.typed.push(typed);
    this.scheduleFlush();
  }

  private shut(info: CloseInfo): void {
    if (!this.open) return;
    this.open = false;
    this.closeInfo = info;
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.handlers === null || this.holding) return;
    this.flushScheduled = true;
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    const handlers = this.handlers;
    if (handlers === null) return;
    // Frames sent before the close are still delivered, then the close.
    const batch = this.inbox.length;
    let delivered = 0;
    while (delivered < batch && !this.holding) {
      const entry = this.inbox[delivered];
      const typed = this.typed[delivered++];
      this.taken = delivered;
      if (!typed) handlers.message(entry);
      // An owner that stopped taking typed messages gets the frame.
      else if (this.onMessage !== null) this.onMessage(entry as unknown as Message);
      else handlers.message(encode(entry as unknown as Message));
    }
    this.inbox.splice(0, delivered);
    this.typed.splice(0, delivered);
    this.taken = 0;
    if (this.holding) return;
    if (this.inbox.length > 0) return this.scheduleFlush();
    if (this.closeInfo !== null) {
      const info = this.closeInfo;
      this.closeInfo = null;
      this.handlers = null;
      handlers.close(info);
    }
  }
}

/** The in-process end under `transport`, if it is one: its owner may send and take typed messages. */
export function inProcessEnd(transport: Transport): InProcessEnd | undefined {
  return transport instanceof InProcessEnd ? transport : undefined;
}

export type { InProcessEnd };

/** Two linked transports: what one sends, the other receives. */
export function createInProcessPair(link?: LinkInfo): [Transport, Transport] {
  const a = new InProcessEnd({}, link?.typedMessages, link?.directCalls);
  // The second end is the one a router serves: it shows the remote client's link.
  const b = new InProcessEnd(link);
  a.other = b;
  b.other = a;
  return [a, b];
}
