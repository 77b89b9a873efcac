import { decode, encode } from '../../src/protocol/codec';
import { MessageType, type Message, type MessageOf, type Roles } from '../../src/protocol/messages';
import type { Frame, Serializer } from '../../src/protocol/serializer';
import { jsonSerializer } from '../../src/protocol/serializers';
import { createInProcessPair } from '../../src/transport/inprocess';
import type { CloseInfo, Transport, TransportHandlers } from '../../src/transport/transport';
import { Session, type SessionOptions } from '../../src/client/session';
import pino from 'pino';
import type { Logger } from '../../src/logger';

/** Every advanced feature a router can announce to a client, per router role. */
export const ALL_FEATURES: Roles = {
  dealer: {
    features: {
      progressive_call_results: true,
      call_timeout: true,
      call_canceling: true,
      caller_identification: true,
      pattern_based_registration: true,
      shared_registration: true,
    },
  },
  broker: {
    features: {
      publisher_identification: true,
      publisher_exclusion: true,
      subscriber_blackwhite_listing: true,
      pattern_based_subscription: true,
    },
  },
};

/** Roles with no advanced feature: the basic profile. */
export const BASIC: Roles = { dealer: {}, broker: {} };

/** Roles with exactly the named dealer / broker features. */
export function roles(dealer: string[], broker: string[] = []): Roles {
  const on = (names: string[]) => ({ features: Object.fromEntries(names.map((n) => [n, true])) });
  return { dealer: on(dealer), broker: on(broker) };
}

/**
 * One end of an in-process pair seen through a real serializer, so frames are JSON text as on
 * a WebSocket: the client's serialization errors and the reader's leniency are exercised.
 */
export function serialized(inner: Transport, serializer: Serializer = jsonSerializer): Transport {
  return {
    serializer,
    kind: inner.kind,
    peer: inner.peer,
    maxMessageSize: inner.maxMessageSize,
    bufferedAmount: 0,
    get isOpen() {
      return inner.isOpen;
    },
    attach: (handlers: TransportHandlers) => inner.attach(handlers),
    send: (frame: Frame) => inner.send(frame),
    close: (code?: number, reason?: string) => inner.close(code, reason),
  };
}

/**
 * A test-only fake router: it records what the client sends and sends what the test scripts,
 * including wire arrays no real router would send. Not a router: it decides nothing itself.
 */
export class ScriptedRouter {
  /** Every message received from the client, in order. */
  readonly received: Message[] = [];
  /** The same, as wire arrays before decoding. */
  readonly wire: unknown[] = [];
  readonly closed: Promise<CloseInfo>;
  /** Answer each GOODBYE from the client with `wamp.close.goodbye_and_out`, as a router does. */
  autoGoodbye = true;
  private waiting: { type?: number; resolve(m: Message): void }[] = [];
  private unread: Message[] = [];

  constructor(readonly transport: Transport) {
    let onClose!: (info: CloseInfo) => void;
    this.closed = new Promise((resolve) => (onClose = resolve));
    transport.attach({
      message: (frame) => this.onFrame(frame),
      close: (info) => onClose(info),
    });
  }

  /** Sends a typed message. */
  send(message: Message): void {
    this.sendWire(encode(message));
  }

  /** Sends ERROR for request `request` of type `requestType`. */
  sendError(
    requestType: MessageType,
    request: number,
    error: string,
    args?: unknown[],
    kwargs?: Record<string, unknown>,
  ) {
    this.send({ type: MessageType.ERROR, requestType, request, details: {}, error, args, kwargs });
  }

  /** Sends a raw wire array, well-formed or not. */
  sendWire(wire: unknown[]): void {
    this.transport.send(this.transport.serializer.serialize(wire));
  }

  /**
   * The next message from the client not yet read. With `type`, messages of other types before
   * it are skipped (they stay in `received`).
   */
  next<T extends Message['type']>(type?: T): Promise<MessageOf<T>> {
    const read = new Promise<MessageOf<T>>((resolve) =>
      this.waiting.push({ type, resolve: resolve as (m: Message) => void }),
    );
    this.pump();
    return read;
  }

  /** Messages of `type` received so far. */
  all<T extends Message['type']>(type: T): MessageOf<T>[] {
    return this.received.filter((m) => m.type === type) as MessageOf<T>[];
  }

  /** Answers the HELLO with WELCOME announcing `routerRoles`. */
  async welcome(routerRoles: Roles = ALL_FEATURES, session = 4711, extra: Record<string, unknown> = {}) {
    const hello = await this.next(MessageType.HELLO);
    this.send({ type: MessageType.WELCOME, session, details: { roles: routerRoles, ...extra } });
    return hello;
  }

  private onFrame(frame: Frame): void {
    const raw = this.transport.serializer.deserialize(frame);
    this.wire.push(raw);
    const message = decode(raw);
    this.received.push(message);
    this.unread.push(message);
    this.pump();
    if (message.type === MessageType.GOODBYE && this.autoGoodbye) {
      this.send({ type: MessageType.GOODBYE, details: {}, reason: 'wamp.close.goodbye_and_out' });
    }
  }

  private pump(): void {
    while (this.waiting.length > 0) {
      const waiter = this.waiting[0];
      const index = this.unread.findIndex((m) => waiter.type === undefined || m.type === waiter.type);
      if (index < 0) return;
      const message = this.unread[index];
      this.unread.splice(0, index + 1);
      this.waiting.shift();
      waiter.resolve(message);
    }
  }
}

/** A logger that keeps what it is asked to log. */
export function recordingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) };
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/** One logged line: pino's numeric level (40 warn, 50 error), the message, the bound fields. */
export type LogLine = { level: number; msg: string } & Record<string, unknown>;

export interface Joined {
  session: Session;
  router: ScriptedRouter;
}

/**
 * A session joined to a scripted router announcing `routerRoles`, over JSON frames unless
 * `json` is false.
 */
export async function joinSession(
  routerRoles: Roles = ALL_FEATURES,
  options: Partial<SessionOptions> = {},
  json = true,
): Promise<Joined> {
  const [clientEnd, routerEnd] = createInProcessPair();
  const router = new ScriptedRouter(json ? serialized(routerEnd) : routerEnd);
  const session = new Session(json ? serialized(clientEnd) : clientEnd, { realm: 'realm1', ...options });
  const joined = session.join();
  await router.welcome(routerRoles);
  await joined;
  return { session, router };
}

/** Lets queued microtasks and in-process deliveries run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
