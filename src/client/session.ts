import { componentLogger, defaultLogger, type Logger } from '../logger';
import { decode, encode } from '../protocol/codec';
import { ErrorUri, ProtocolError } from '../protocol/errors';
import { IdSequence } from '../protocol/ids';
import {
  MessageType,
  messageName,
  type Abort,
  type Args,
  type ErrorMessage,
  type Goodbye,
  type Kwargs,
  type Message,
  type WelcomeDetails,
} from '../protocol/messages';
import type { Frame } from '../protocol/serializer';
import { inProcessEnd, type MessageLink } from '../transport/inprocess';
import type { CloseInfo, Transport } from '../transport/transport';
import { Callee } from './callee';
import { Caller } from './caller';
import { ClientErrorUri, SessionClosedError } from './errors';
import { RouterFeatures } from './features';
import { JoinHandshake, type HandshakeHost } from './join';
import { MessageHooks } from './hooks';
import { NO_PUBLISH_OPTIONS, Publisher } from './publisher';
import { ReusableTransport } from './reusable-transport';
import { Registration, type RegistrationOwner } from './registration';
import type { ErrorTable, MessageTable, Role, SessionLink } from './role';
import { Subscriber } from './subscriber';
import { Subscription, type SubscriptionOwner } from './subscription';
import type {
  CallResult,
  ClientCallOptions,
  ClientPublishOptions,
  ClientRegisterOptions,
  ClientSubscribeOptions,
  EventHandler,
  ProcedureHandler,
  Publication,
  SessionCloseInfo,
  SessionOptions,
  SessionState,
} from './types';

export type { SessionCloseInfo, SessionOptions };

/** Milliseconds `leave` waits for the router's GOODBYE by default. */
export const DEFAULT_LEAVE_TIMEOUT = 5_000;

/**
 * A WAMP client session over one transport: join (HELLO, CHALLENGE, WELCOME / ABORT), the four
 * client roles, and leave (GOODBYE). Inbound messages are dispatched by a table keyed by
 * message code, one table per state; each role handles its own messages. It does not
 * reconnect: a `Connection` makes a new session for each transport.
 *
 * @example
 * const session = await Session.join(transport, { realm: 'realm1' });
 * const sum = await session.call('calc.add', [2, 3]);
 * await session.leave();
 */
export class Session implements RegistrationOwner, SubscriptionOwner {
  /** Hooks on every inbound and outbound message. */
  readonly hooks: MessageHooks;
  readonly realm: string;
  /** Resolves (never rejects) once the session has ended, however it ended. */
  readonly closed: Promise<SessionCloseInfo>;

  private sessionState: SessionState = 'new';
  private sessionId = 0;
  private welcomeDetails?: WelcomeDetails;
  private readonly routerFeatures = new RouterFeatures();
  private readonly ids = new IdSequence();
  private readonly logger: Logger;
  private readonly handshake: JoinHandshake;
  private readonly caller: Caller;
  private readonly callee: Callee;
  private readonly publisher: Publisher;
  private readonly subscriber: Subscriber;
  private readonly roles: readonly Role[];
  private readonly tables: Record<SessionState, MessageTable>;
  private readonly errorTable: ErrorTable;
  private leaveWaiter?: { resolve(): void; timer: NodeJS.Timeout };
  /** The error pending requests fail with once the session ends (set by leave). */
  private leaveError?: SessionClosedError;
  private closeError?: SessionClosedError;
  private goodbyeAnswered = false;
  private resolveClosed!: (info: SessionCloseInfo) => void;
  /** An in-process link's typed side: RPC messages travel as they are, not encoded. */
  private readonly messageLink?: MessageLink;

  /** Joins `options.realm` over `transport`; resolves with the established session. */
  static join(transport: Transport, options: SessionOptions): Promise<Session> {
    return new Session(transport, options).join();
  }

  /** Attaches to `transport` at once; install hooks, then call `join`. Throws TypeError for bad auth options. */
  constructor(
    private readonly transport: Transport,
    private readonly options: SessionOptions,
  ) {
    this.realm = options.realm;
    this.logger = componentLogger(options.logger ?? defaultLogger(), 'client', { realm: options.realm });
    this.hooks = options.hooks ?? new MessageHooks(this.logger);
    this.handshake = new JoinHandshake(this.handshakeHost(), options);
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));

    const link = this.link();
    this.caller = new Caller(link);
    this.callee = new Callee(link);
    this.publisher = new Publisher(link);
    this.subscriber = new Subscriber(link);
    this.roles = [this.caller, this.callee, this.publisher, this.subscriber];
    this.errorTable = Object.assign({}, ...this.roles.map((role) => role.errors)) as ErrorTable;

    const joinTable: MessageTable = {
      ...this.handshake.messages,
      [MessageType.ABORT]: (m) => this.onAbort(m),
    };
    const openTable: MessageTable = Object.assign({}, ...this.roles.map((role) => role.messages), {
      [MessageType.ERROR]: (m: ErrorMessage) => this.onError(m),
      [MessageType.GOODBYE]: (m: Goodbye) => this.onGoodbye(m),
      [MessageType.ABORT]: (m: Abort) => this.onAbort(m),
    } satisfies MessageTable) as MessageTable;
    this.tables = {
      new: {},
      joining: joinTable,
      authenticating: joinTable,
      established: openTable,
      leaving: openTable,
      closed: {},
    };

    transport.attach({
      message: (frame) => this.receive(frame),
      close: (info) => this.onTransportClose(info),
      oversize: (size) => this.onOversize(size),
    });
    this.messageLink =
      transport instanceof ReusableTransport ? transport.messageLink : inProcessEnd(transport);
    this.messageLink?.takeMessages((message) => this.handle(message));
    this.messageLink?.offerDirect({
      invoke: (registration, details, args, kwargs, reply) =>
        this.sessionState === 'established' && !this.hooks.hasInbound && !this.hooks.hasOutbound
          ? this.callee.invokeDirect(registration, details, args, kwargs, reply)
          : false,
    });
  }

  /** @internal Calls this session made without messages (`DirectSide`), for tests. */
  get directCalls(): number {
    return this.caller.directCount;
  }

  /** The session id the router assigned (0 before WELCOME). */
  get id(): number {
    return this.sessionId;
  }

  get state(): SessionState {
    return this.sessionState;
  }

  /** True while the session is established. */
  get isOpen(): boolean {
    return this.sessionState === 'established';
  }

  /** WELCOME Details: the router's roles, `authid`, `authrole`, `authmethod`, `authprovider`. */
  get details(): WelcomeDetails | undefined {
    return this.welcomeDetails;
  }

  /**
   * @internal True once our GOODBYE was answered: the router is done with this session and
   * the transport may carry a new one.
   */
  get leftCleanly(): boolean {
    return this.goodbyeAnswered;
  }

  /** The advanced features the router announced. */
  get features(): RouterFeatures {
    return this.routerFeatures;
  }

  /**
   * Sends HELLO and resolves with this session on WELCOME. Rejects with `SessionClosedError`
   * carrying the ABORT reason (`wamp.error.authentication_failed`, `wamp.error.no_such_realm`...),
   * `wservice.error.join_timeout`, or `wservice.error.connection_lost`.
   */
  join(): Promise<this> {
    if (this.sessionState !== 'new') {
      return Promise.reject(this.closeError ?? new Error(`join() on a session that is ${this.sessionState}`));
    }
    this.sessionState = 'joining';
    return this.handshake.start().then(() => this);
  }

  /**
   * Sends GOODBYE and waits for the router's reply, at most `leaveTimeout`, then closes the
   * transport. Requests still pending fail with `SessionClosedError` (`reason`).
   */
  leave(reason: string = ErrorUri.CLOSE_NORMAL, message?: string): Promise<void> {
    const error = new SessionClosedError(reason, message ?? 'the session left');
    if (this.sessionState === 'closed') return Promise.resolve();
    if (this.sessionState === 'leaving') return this.closed.then(() => undefined);
    if (this.sessionState !== 'established') {
      this.end(error, 'client');
      return Promise.resolve();
    }
    this.sessionState = 'leaving';
    this.leaveError = error;
    const left = new Promise<void>((resolve) => {
      const timer = setTimeout(
        () => this.end(error, 'client'),
        this.options.leaveTimeout ?? DEFAULT_LEAVE_TIMEOUT,
      );
      this.leaveWaiter = { resolve, timer };
    });
    this.write({ type: MessageType.GOODBYE, details: message === undefined ? {} : { message }, reason });
    return left;
  }

  /** Calls `procedure`; see `ClientCallOptions` for timeout, progress and cancellation. */
  call(
    procedure: string,
    args?: Args,
    kwargs?: Kwargs,
    options: ClientCallOptions = {},
  ): Promise<CallResult> {
    return this.caller.call(procedure, args, kwargs, options);
  }

  /**
   * `call`, resolving with the result's value as `callValue` makes it (what proxies and
   * `Client.call` return), without the `CallResult` of a single value or a promise to map it.
   */
  callForValue(
    procedure: string,
    args?: Args,
    kwargs?: Kwargs,
    options: ClientCallOptions = {},
  ): Promise<unknown> {
    return this.caller.callForValue(procedure, args, kwargs, options);
  }

  /** Registers `handler` for `procedure`; resolves once the dealer confirmed. */
  async register(
    procedure: string,
    handler: ProcedureHandler,
    options: ClientRegisterOptions = {},
  ): Promise<Registration> {
    const registration = new Registration(procedure, handler, { ...options }, this);
    await this.callee.register(registration);
    return registration;
  }

  /** Unregisters; resolves at once when this session does not hold it. */
  unregister(registration: Registration): Promise<void> {
    return this.callee.unregister(registration);
  }

  /** Subscribes `handler` to `topic`; resolves once the broker confirmed. */
  async subscribe(
    topic: string,
    handler: EventHandler,
    options: ClientSubscribeOptions = {},
  ): Promise<Subscription> {
    const subscription = new Subscription(topic, handler, { ...options }, this);
    await this.subscriber.subscribe(subscription);
    return subscription;
  }

  /** Stops `subscription`'s handler; resolves at once when this session does not hold it. */
  unsubscribe(subscription: Subscription): Promise<void> {
    return this.subscriber.unsubscribe(subscription);
  }

  /** Publishes; with `acknowledge` resolves with the publication, else once sent. */
  publish(
    topic: string,
    args: Args | undefined,
    kwargs: Kwargs | undefined,
    options: ClientPublishOptions & { acknowledge: true },
  ): Promise<Publication>;
  publish(
    topic: string,
    args?: Args,
    kwargs?: Kwargs,
    options?: ClientPublishOptions,
  ): Promise<Publication | undefined>;
  publish(topic: string, args?: Args, kwargs?: Kwargs, options: ClientPublishOptions = NO_PUBLISH_OPTIONS) {
    return this.publisher.publish(topic, args, kwargs, options);
  }

  /**
   * Registers or subscribes an entry made on an earlier session, keeping its handler, options
   * and object (`Connection` restores with it after a reconnect).
   */
  restore(entry: Registration | Subscription): Promise<void> {
    return entry instanceof Registration ? this.callee.register(entry) : this.subscriber.subscribe(entry);
  }

  private handshakeHost(): HandshakeHost {
    return {
      state: () => this.sessionState,
      logger: this.logger,
      write: (message) => this.write(message),
      authenticating: () => (this.sessionState = 'authenticating'),
      // [WELCOME, Session|id, Details|dict]
      welcome: (message) => {
        this.sessionId = message.session;
        this.welcomeDetails = message.details;
        this.routerFeatures.announce(message.details);
        this.sessionState = 'established';
      },
      abort: (reason, text, cause) => this.abort(reason, text, cause),
      end: (error, by) => this.end(error, by),
    };
  }

  private link(): SessionLink {
    return {
      send: (message) => {
        this.assertOpen();
        this.write(message);
      },
      nextId: () => this.ids.next(),
      direct: () =>
        this.hooks.hasInbound || this.hooks.hasOutbound ? undefined : this.messageLink?.directPeer(),
      assertOpen: () => this.assertOpen(),
      router: this.routerFeatures,
      logger: this.logger,
    };
  }

  private assertOpen(): void {
    if (this.sessionState === 'established') return;
    throw (
      this.closeError ??
      new SessionClosedError(ClientErrorUri.NOT_CONNECTED, `the session is ${this.sessionState}`)
    );
  }

  /**
   * Passes the outbound hooks (which may change or drop the message), encodes, sends. Throws
   * SerializationError / PayloadSizeError.
   */
  private write(message: Message): void {
    const outgoing = this.hooks.hasOutbound ? this.hooks.applyOutbound(message) : message;
    if (outgoing === null) return;
    if (this.messageLink?.sendMessage(outgoing)) return;
    this.transport.send(this.transport.serializer.serialize(encode(outgoing)));
  }

  private receive(frame: Frame): void {
    if (this.sessionState === 'closed') return;
    let decoded: Message;
    try {
      decoded = decode(this.transport.serializer.deserialize(frame));
    } catch (err) {
      return this.violation(err instanceof ProtocolError ? err : new ProtocolError(String(err)));
    }
    this.handle(decoded);
  }

  /** A decoded message, or a typed one from an in-process link (checked as `decode` would). */
  private handle(decoded: Message): void {
    if (this.sessionState === 'closed') return;
    const message = this.hooks.hasInbound ? this.hooks.applyInbound(decoded) : decoded;
    if (message === null) return;
    const handler = this.tables[this.sessionState][message.type] as ((m: Message) => void) | undefined;
    if (handler === undefined) {
      const name = messageName(message.type);
      return this.violation(
        new ProtocolError(`${name} is not allowed while the session is ${this.sessionState}`, {
          messageName: name,
        }),
      );
    }
    try {
      handler(message);
    } catch (err) {
      if (err instanceof ProtocolError) return this.violation(err);
      this.logger.error({ err, message: messageName(message.type) }, 'failed to handle a message');
    }
  }

  // [ABORT, Details|dict, Reason|uri]
  private onAbort(message: Abort): void {
    const text = typeof message.details.message === 'string' ? message.details.message : undefined;
    this.end(new SessionClosedError(message.reason, text, message.details), 'router');
  }

  // [GOODBYE, Details|dict, Reason|uri]. Lenient: any reason is taken as the reply to ours,
  // including autobahn's `wamp.error.goodbye_and_out`; strict: we reply `wamp.close.goodbye_and_out`.
  private onGoodbye(message: Goodbye): void {
    if (this.sessionState === 'leaving') {
      this.goodbyeAnswered = true;
      return this.end(this.leaveError as SessionClosedError, 'client');
    }
    this.write({ type: MessageType.GOODBYE, details: {}, reason: ErrorUri.GOODBYE_AND_OUT });
    const text = typeof message.details.message === 'string' ? message.details.message : undefined;
    this.end(
      new SessionClosedError(message.reason, text ?? 'the router ended the session', message.details),
      'router',
    );
  }

  // [ERROR, REQUEST.Type|int, REQUEST.Request|id, Details|dict, Error|uri, Arguments|list?, ArgumentsKw|dict?]
  private onError(message: ErrorMessage): void {
    const handler = this.errorTable[message.requestType];
    if (handler === undefined) {
      const request = messageName(message.requestType);
      throw new ProtocolError(`ERROR for ${request}, which a client never sends`, { messageName: 'ERROR' });
    }
    handler(message);
  }

  /** The router broke the protocol: ABORT with the reason, close, fail everything pending. */
  private violation(error: ProtocolError): void {
    this.logger.warn({ err: error }, 'the router broke the protocol; aborting the session');
    this.abort(error.uri, error.message, error);
  }

  private onOversize(size: number): void {
    this.abort(ErrorUri.PAYLOAD_SIZE_EXCEEDED, `a message of ${size} bytes exceeds the transport's limit`);
  }

  // [ABORT, Details|dict, Reason|uri], sent by us
  private abort(reason: string, text: string, cause?: unknown): void {
    try {
      this.write({ type: MessageType.ABORT, details: { message: text }, reason });
    } catch (err) {
      this.logger.debug({ err }, 'ABORT not sent');
    }
    this.end(new SessionClosedError(reason, text, {}, cause), 'client');
  }

  private onTransportClose(info: CloseInfo): void {
    if (this.sessionState === 'closed') return;
    // A router may close right after our GOODBYE without answering it: that is a normal leave.
    if (this.sessionState === 'leaving') return this.end(this.leaveError as SessionClosedError, 'client');
    const text = `the transport closed (${info.code} ${info.reason})`;
    this.end(new SessionClosedError(ClientErrorUri.CONNECTION_LOST, text, {}, info.error), 'transport');
  }

  /** The one way a session ends: state, timers, every role's pending work, the transport. */
  private end(error: SessionClosedError, by: SessionCloseInfo['by']): void {
    if (this.sessionState === 'closed') return;
    this.sessionState = 'closed';
    this.closeError = error;
    for (const role of this.roles) role.close(error);
    this.handshake.fail(error);
    const leaveWaiter = this.leaveWaiter;
    this.leaveWaiter = undefined;
    if (leaveWaiter) {
      clearTimeout(leaveWaiter.timer);
      leaveWaiter.resolve();
    }
    this.transport.close(1000, error.uri);
    this.logger.debug({ reason: error.uri, by }, 'session closed');
    this.resolveClosed({ reason: error.uri, by, error });
  }
}
