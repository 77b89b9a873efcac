import { WServiceErrorUri } from '../errors';
import type { Logger } from '../logger';
import { RPC_MESSAGES, encode } from '../protocol/codec';
import { ErrorUri, ProtocolError } from '../protocol/errors';
import {
  MessageType,
  messageName,
  type Dict,
  type Id,
  type InvocationDetails,
  type Message,
  type MessageOf,
  type Roles,
  type WelcomeDetails,
} from '../protocol/messages';
import type { Frame } from '../protocol/serializer';
import { shareJsonText } from '../protocol/serializers/json';
import { SplicedFrame } from '../protocol/serializers/raw-payload';
import { decodeForwarding, serializeForwarding } from '../protocol/frames';
import { inProcessEnd, type DirectSide, type InProcessEnd } from '../transport/inprocess';
import { PayloadSizeError, type CloseInfo, type Transport } from '../transport/transport';
import type { Identity } from './auth/authenticator';
import type { PermitMemo } from './authorizer';
import { DISPATCH, toRealm, type RealmMessage, type SessionState } from './dispatch';
import { ROUTER_ROLES, type ClientRole } from './features';
import { OutboundGuard, type SendOutcome } from './limits';
import type { RouterMetricsSink } from '../observability/metrics';
import type { ResolvedLimits } from './options';

export type { SessionState };

/** What a session needs from the router that serves it. */
export interface SessionHost {
  readonly logger: Logger;
  readonly limits: ResolvedLimits;
  /** Where the session reports its traffic and refusals, when metrics are on. */
  readonly metrics?: RouterMetricsSink;
  /** HELLO arrived: find the realm, admit the session, authenticate it (the handshake). */
  hello(session: RouterSession, message: MessageOf<typeof MessageType.HELLO>): void;
  /** `session` no longer holds its session id. */
  release(session: RouterSession): void;
  /** `session`'s transport closed. */
  detached(session: RouterSession): void;
}

/** The realm a session joined, as the session sees it. */
export interface SessionRealm {
  readonly name: string;
  /** The session is welcomed (its WELCOME is sent). */
  join(session: RouterSession): void;
  /** A message of the established session for the realm's dealer or broker. */
  receive(session: RouterSession, message: RealmMessage): void;
  /** A CALL as values, for the dealer to hand over directly, or false (`Dealer.callDirect`). */
  callDirect(
    caller: RouterSession,
    ...call: Parameters<NonNullable<DirectSide['call']>>
  ): ReturnType<NonNullable<DirectSide['call']>>;
  /** The session leaves, for any reason. */
  leave(session: RouterSession): void;
}

/** A CHALLENGE sent, waiting for its AUTHENTICATE. */
export interface PendingAuth {
  /** The authmethod challenged. */
  readonly method: string;
  /** Checks the AUTHENTICATE that answers the CHALLENGE, then welcomes or aborts the session. */
  answer(message: MessageOf<typeof MessageType.AUTHENTICATE>): void;
}

/**
 * ABORT reason for a client that did not finish HELLO and authentication within
 * `limits.handshakeTimeout` (no spec URI exists for it).
 */
export const HANDSHAKE_TIMEOUT = WServiceErrorUri.HANDSHAKE_TIMEOUT;

/** The frame metrics are given for a message a direct call stands for: not serialized, no bytes. */
const NOT_SERIALIZED: Frame = [];

/** WebSocket close codes the router uses; RawSocket and in-process transports accept them too. */
const CLOSE_NORMAL = 1000;
const CLOSE_PROTOCOL_ERROR = 1002;
const CLOSE_POLICY = 1008;

/**
 * One client session on the router: the state machine, the dispatch of inbound messages by
 * code, and the outbound path (serialization, size and slow-consumer limits). It owns its
 * state: others read it and ask for transitions (`acceptHello`, `challenge`, `welcome`,
 * `goodbye`, `abort`, `close`). What a message means is decided by the handshake and by the
 * realm's dealer and broker, which own their indexes of the session's registrations,
 * subscriptions and calls.
 */
export class RouterSession {
  private current: SessionState = 'establishing';
  /** The WAMP session id; 0 before HELLO is accepted and after the session ends. */
  private sessionId: Id = 0;
  private realm: SessionRealm | null = null;
  /** Who the session is, once welcomed. */
  private identity: Identity | null = null;
  /** `disclosure`, made on first use. */
  private disclosed: Readonly<InvocationDetails> | undefined;
  /** Roles and features the client announced in HELLO. */
  private roles: Roles = {};
  private pendingAuth: PendingAuth | null = null;
  private sessionLogger: Logger;

  private readonly guard: OutboundGuard;
  /** The logger without session bindings, for the next session on this transport. */
  private readonly transportLogger: Logger;
  /** Settles when the client answers the router's GOODBYE, or the session closes. */
  private goodbyeReply: Promise<void> | null = null;
  private goodbyeAnswered: (() => void) | null = null;
  private goodbyeTimer: NodeJS.Timeout | undefined;
  /** Why its link dropped, when the session ends because it did (keep-alive expired...). */
  private lostBecause: string | undefined;
  /** Runs while the session is establishing or challenging (`limits.handshakeTimeout`). */
  private handshakeTimer: NodeJS.Timeout | undefined;
  /** An in-process link: RPC messages travel typed both ways, without the codec. */
  private readonly messageLink: InProcessEnd | undefined;
  /** @internal The realm's authorizer keeps this session's last verdict here (`Authorizer.permits`). */
  permitMemo: PermitMemo | undefined = undefined;

  constructor(
    readonly transport: Transport,
    private readonly host: SessionHost,
    /** A peer in the router's own process (see `Router.attach`). */
    readonly trusted = false,
  ) {
    this.transportLogger = host.logger.child({ peer: transport.peer, transport: transport.kind });
    this.sessionLogger = this.transportLogger;
    this.guard = new OutboundGuard(host.limits, this.transportLogger);
    // Before attach: a transport may deliver frames, or its close, from inside attach.
    this.awaitHandshake();
    transport.attach({
      // The busiest callback: no closure per frame (see `guarded`).
      message: (frame) => {
        try {
          this.receive(frame);
        } catch (error) {
          this.internalError('a message', error);
        }
      },
      close: (info) => this.guarded('the transport closing', () => this.transportClosed(info)),
      oversize: (size) => this.guarded('an oversized message', () => this.oversize(size)),
    });
    this.messageLink = inProcessEnd(transport);
    this.messageLink?.takeMessages((message) =>
      this.guarded('a message', () => this.handle(message, message as unknown as Frame)),
    );
    this.messageLink?.offerDirect({
      call: (procedure, options, args, kwargs, reply) =>
        this.current === 'established'
          ? this.realm!.callDirect(this, procedure, options, args, kwargs, reply)
          : false,
    });
  }

  /**
   * Counts a message a direct call stands for (`Dealer.callDirect`), as the typed message would
   * have been counted (no bytes: it is not serialized); an answer only to an established session.
   */
  countDirect(direction: 'in' | 'out', type: MessageType): void {
    if (this.host.metrics !== undefined && (direction === 'in' || this.current === 'established'))
      this.host.metrics.message(direction, type, NOT_SERIALIZED);
  }

  /** On an in-process link: calls may reach this session's client directly (`directCallee`). */
  get inProcess(): boolean {
    return this.messageLink !== undefined;
  }

  /**
   * The client's side of direct calls (`DirectSide.invoke`), when an invocation may reach it
   * without a message now (see `InProcessEnd.directPeer`).
   */
  directCallee(): DirectSide | undefined {
    return this.current === 'established' ? this.messageLink?.directPeer() : undefined;
  }

  /** Counts an authentication refused (metrics on). */
  authenticationRefused(method: string, reason: string): void {
    this.host.metrics?.authenticationRefused(method, reason);
  }

  get state(): SessionState {
    return this.current;
  }

  /** The WAMP session id; 0 before HELLO is accepted and after the session ends. */
  get id(): Id {
    return this.sessionId;
  }

  get authid(): string {
    return this.identity?.authid ?? '';
  }

  get authrole(): string {
    return this.identity?.authrole ?? '';
  }

  /**
   * spec: caller identification, the whole INVOCATION Details of a call from this session to a
   * remote callee when nothing else goes in them: one frozen object for the session's life (its
   * id, authid and authrole do not change once it is welcomed), whose JSON the serializer
   * writes once (`shareJsonText`). Undefined before the session is welcomed.
   */
  get disclosure(): Readonly<InvocationDetails> | undefined {
    if (this.disclosed === undefined && this.sessionId !== 0) {
      this.disclosed = shareJsonText({
        caller: this.sessionId,
        caller_authid: this.authid,
        caller_authrole: this.authrole,
      });
    }
    return this.disclosed;
  }

  get authmethod(): string {
    return this.identity?.authmethod ?? '';
  }

  get authprovider(): string {
    return this.identity?.authprovider ?? '';
  }

  /** Sent in WELCOME Details, when the authenticator gave any. */
  get authextra(): Dict | undefined {
    return this.identity?.authextra;
  }

  /** Bound to the peer, and once welcomed to the session, its realm and authid. */
  get logger(): Logger {
    return this.sessionLogger;
  }

  /** True when the client announced `feature` for `role` in HELLO. */
  supports(role: ClientRole, feature: string): boolean {
    return this.roles[role]?.features?.[feature] === true;
  }

  /** EVENTs dropped for this session by the slow-consumer policy. */
  get droppedEvents(): number {
    return this.guard.droppedEvents;
  }

  /**
   * Why the session's link dropped (`keep-alive: the peer sent nothing for ...`), while it
   * leaves because it did; undefined when it closed cleanly or the router ended it.
   */
  get linkLost(): string | undefined {
    return this.lostBecause;
  }

  /** The slow-consumer policy of this session's output (the broker's backpressure reads it). */
  get outbound(): OutboundGuard {
    return this.guard;
  }

  // -------------------------------------------------------------------------------------
  // The handshake: HELLO accepted, CHALLENGE sent, WELCOME

  /** The router admitted the HELLO: the session holds `id` and the client announced `roles`. */
  acceptHello(id: Id, roles: Roles): void {
    this.sessionId = id;
    this.roles = roles;
  }

  /** Sends CHALLENGE; the AUTHENTICATE that answers it goes to `pending`. */
  challenge(pending: PendingAuth, extra: Dict): void {
    this.pendingAuth = pending;
    this.current = 'challenging';
    this.send({ type: MessageType.CHALLENGE, authMethod: pending.method, extra });
  }

  /**
   * A dynamic authenticator is asked (after HELLO or AUTHENTICATE): the session waits for it
   * as for an AUTHENTICATE, under the same handshake timeout, and any AUTHENTICATE now breaks
   * the protocol.
   */
  awaitAuthenticator(): void {
    this.pendingAuth = null;
    this.current = 'challenging';
  }

  /** Makes this session an established member of `realm` as `identity`: WELCOME, then it joins. */
  welcome(realm: SessionRealm, identity: Identity): void {
    this.identity = identity;
    this.permitMemo = undefined;
    this.pendingAuth = null;
    this.current = 'established';
    this.realm = realm;
    this.stopHandshakeTimer();
    this.sessionLogger = this.transportLogger.child({
      session: this.sessionId,
      realm: realm.name,
      authid: identity.authid,
    });
    const details: WelcomeDetails = {
      realm: realm.name,
      roles: ROUTER_ROLES,
      authid: identity.authid,
      authrole: identity.authrole,
      authmethod: identity.authmethod,
      authprovider: identity.authprovider,
    };
    if (identity.authextra !== undefined) details.authextra = identity.authextra;
    if (!this.sendWelcome(details)) return;
    // No longer a pending connection for the listeners' caps.
    this.transport.joined?.();
    this.logger.debug({ authrole: identity.authrole, authmethod: identity.authmethod }, 'session joined');
    // Sending may have closed the session (outbound limit): then it never joins.
    if (this.current === 'established') realm.join(this);
  }

  // -------------------------------------------------------------------------------------
  // Inbound

  private receive(frame: Frame): void {
    if (this.current === 'closed') return;
    let message: Message;
    try {
      // A JSON payload the router forwards stays the frame's bytes (protocol/frames.ts).
      message = decodeForwarding(this.transport.serializer, frame);
    } catch (error) {
      // Whatever a peer's bytes make a decoder throw, it is the peer's fault, not ours.
      return this.protocolViolation(error instanceof Error ? error.message : String(error));
    }
    this.handle(message, frame);
  }

  /** A decoded message, or a typed one from an in-process link (checked as `decode` would). */
  private handle(message: Message, frame: Frame): void {
    if (this.current === 'closed') return;
    this.host.metrics?.message('in', message.type, frame);
    try {
      this.dispatch(message);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.protocolViolation(error.message);
    }
  }

  /**
   * Runs a transport callback so that a bug of ours ends this session only: the router and
   * every other session go on.
   */
  private guarded(what: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.internalError(what, error);
    }
  }

  /** A bug of ours while handling `what`: logged, and this session aborted. */
  private internalError(what: string, error: unknown): void {
    this.logger.error({ err: error, session: this.id || undefined }, `internal error handling ${what}`);
    try {
      this.abort(WServiceErrorUri.INTERNAL, 'the router failed to handle a message');
    } catch (again) {
      this.logger.error({ err: again }, 'internal error while aborting the session');
    }
  }

  private dispatch(message: Message): void {
    if (this.current === 'closing') {
      // spec: after sending GOODBYE, a peer ignores everything but the GOODBYE reply.
      if (message.type === MessageType.GOODBYE) this.goodbyeReplied();
      return;
    }
    const entry = DISPATCH[message.type];
    if (entry === undefined) {
      return this.protocolViolation(`${messageName(message.type)} is not a message a client may send`);
    }
    if (!entry.states.includes(this.current)) {
      return this.protocolViolation(
        `${messageName(message.type)} is not allowed while the session is ${this.current}`,
      );
    }
    // Only established sessions get here with a realm message, so the realm is there.
    if (toRealm(message, entry)) return this.realm!.receive(this, message);
    switch (message.type) {
      case MessageType.HELLO:
        return this.host.hello(this, message);
      case MessageType.AUTHENTICATE:
        return this.answerChallenge(message);
      case MessageType.ABORT:
        return this.clientAbort(message);
      case MessageType.GOODBYE:
        return this.clientGoodbye();
    }
  }

  // [AUTHENTICATE, Signature|string, Extra|dict]
  private answerChallenge(message: MessageOf<typeof MessageType.AUTHENTICATE>): void {
    const pending = this.pendingAuth;
    // One AUTHENTICATE per CHALLENGE: a second one while the first is checked is a violation.
    if (pending === null) return this.protocolViolation('AUTHENTICATE without a CHALLENGE waiting for it');
    this.pendingAuth = null;
    pending.answer(message);
  }

  // -------------------------------------------------------------------------------------
  // Outbound

  /** Encodes, serializes and sends one message, subject to the size and buffer limits. */
  send(message: Message): SendOutcome {
    if (this.messageLink !== undefined && RPC_MESSAGES.has(message.type)) {
      return this.sendTyped(message, this.messageLink);
    }
    // Before serializing: a closed link is not worth the work (`admit` says the same after it).
    if (this.current === 'closed' || !this.transport.isOpen) return 'closed';
    let frame: Frame | SplicedFrame;
    try {
      frame = serializeForwarding(this.transport.serializer, message);
    } catch (error) {
      // Forwarded payloads only (a hostile peer's cyclic value...): whoever sent it is refused,
      // and that refusal is the log line; this is the detail.
      this.logger.debug(
        { err: error, message: messageName(message.type) },
        'cannot serialize a message for this session',
      );
      return 'unserializable';
    }
    return this.sendFrame(frame, false, message.type);
  }

  /** Sends a frame already serialized with this session's serializer (EVENT fan-out). */
  sendFrame(
    frame: Frame | SplicedFrame,
    droppable: boolean,
    type: MessageType = MessageType.EVENT,
  ): SendOutcome {
    const refused = this.admit(droppable);
    if (refused !== undefined) return refused;
    try {
      if (!(frame instanceof SplicedFrame)) this.transport.send(frame);
      // A forwarded payload's bytes go out after the head uncopied, where the transport can.
      else if (this.transport.sendSpliced !== undefined) this.transport.sendSpliced(frame.head, frame.rest);
      else this.transport.send(frame.joined());
    } catch (error) {
      return this.sendFailed(error);
    }
    this.host.metrics?.message('out', type, frame);
    return 'sent';
  }

  /** Sends an RPC message over the in-process `link` as it is (encoded, if the client stopped taking typed messages). */
  private sendTyped(message: Message, link: InProcessEnd): SendOutcome {
    const refused = this.admit(false);
    if (refused !== undefined) return refused;
    const wire = message as unknown as Frame;
    try {
      if (!link.sendTrusted(message)) this.transport.send(encode(message));
    } catch (error) {
      return this.sendFailed(error);
    }
    this.host.metrics?.message('out', message.type, wire);
    return 'sent';
  }

  /** Why a message may not be sent now (closed link, outbound limits), or undefined when it may. */
  private admit(droppable: boolean): SendOutcome | undefined {
    if (this.current === 'closed' || !this.transport.isOpen) return 'closed';
    const admission = this.guard.admit(this.transport.bufferedAmount, droppable);
    if (admission === 'drop') return 'dropped';
    if (admission === 'overflow') {
      this.close(CLOSE_POLICY, 'outbound buffer limit exceeded');
      return 'closed';
    }
    return undefined;
  }

  private sendFailed(error: unknown): SendOutcome {
    if (error instanceof PayloadSizeError) return 'too_big';
    this.logger.warn({ err: error }, 'transport refused a frame');
    return 'closed';
  }

  /**
   * Answers a request with ERROR `uri`, the readable `text` as Arguments[0], and logs it once.
   * Used for every refusal (invalid URI, not authorized, unknown id...).
   */
  refuse(requestType: MessageType, request: Id, uri: string, text: string): void {
    this.logger.info({ session: this.id, request: messageName(requestType), error: uri }, text);
    this.send({ type: MessageType.ERROR, requestType, request, details: {}, error: uri, args: [text] });
  }

  // -------------------------------------------------------------------------------------
  // Ending

  /** A message broke the protocol: ABORT `wamp.error.protocol_violation` and close. */
  protocolViolation(problem: string): void {
    this.logger.warn({ session: this.id || undefined, problem }, 'protocol violation; aborting the session');
    this.abort(ErrorUri.PROTOCOL_VIOLATION, problem, CLOSE_PROTOCOL_ERROR);
  }

  /** Sends ABORT and closes the transport. */
  abort(reason: string, message: string, code = CLOSE_NORMAL): void {
    if (this.current === 'closed') return;
    if (this.current === 'establishing' || this.current === 'challenging')
      this.host.metrics?.sessionRefused(reason);
    this.send({ type: MessageType.ABORT, details: { message }, reason });
    this.close(code, reason);
  }

  /**
   * The router ends the session: GOODBYE now, the session leaves its realm at once, and the
   * transport stays open for the client's GOODBYE reply. A session not yet established is
   * aborted instead. Resolves when the client replied or the session closed.
   */
  goodbye(reason: string, message?: string): Promise<void> {
    if (this.current === 'closing') return this.goodbyeReply!;
    if (this.current !== 'established') {
      this.abort(reason, message ?? 'the router ends this session');
      return Promise.resolve();
    }
    this.leaveRealm();
    this.send({ type: MessageType.GOODBYE, details: message === undefined ? {} : { message }, reason });
    this.current = 'closing';
    // A client that never answers does not keep its transport forever.
    this.goodbyeTimer = setTimeout(
      () => this.close(CLOSE_NORMAL, 'no GOODBYE reply'),
      this.host.limits.shutdownTimeout,
    );
    this.goodbyeReply = new Promise((resolve) => (this.goodbyeAnswered = resolve));
    return this.goodbyeReply;
  }

  /** Closes the transport; the session leaves its realm at once (not when the close completes). */
  close(code = CLOSE_NORMAL, reason = 'closed'): void {
    if (this.current === 'closed') return;
    this.leaveRealm();
    this.ended();
    this.transport.close(code, reason);
  }

  /** The client answered our GOODBYE: the transport may carry a new session. */
  /**
   * WELCOME, even to a RawSocket peer that announced the smallest limit (512 bytes): without
   * the feature lists if the full one does not fit (features are optional announcements), or
   * ABORT `wamp.error.payload_size_exceeded` if even that does not. False when not welcomed.
   */
  private sendWelcome(details: WelcomeDetails): boolean {
    const welcome = (d: WelcomeDetails): Message => ({
      type: MessageType.WELCOME,
      session: this.sessionId,
      details: d,
    });
    if (this.send(welcome(details)) !== 'too_big') return true;
    const roles = Object.fromEntries(Object.keys(ROUTER_ROLES).map((role) => [role, {}]));
    if (this.send(welcome({ ...details, roles })) !== 'too_big') return true;
    this.abort(ErrorUri.PAYLOAD_SIZE_EXCEEDED, `WELCOME exceeds ${this.transport.maxMessageSize} bytes`);
    return false;
  }

  private goodbyeReplied(): void {
    this.settleGoodbye();
    this.awaitHandshake();
  }

  // [GOODBYE, Details|dict, Reason|uri]: the client said GOODBYE first: reply, leave the
  // realm, wait for a new HELLO or the close.
  private clientGoodbye(): void {
    // Leaving first: whatever the cleanup sends this session arrives before the GOODBYE.
    this.leaveRealm();
    this.send({ type: MessageType.GOODBYE, details: {}, reason: ErrorUri.GOODBYE_AND_OUT });
    this.awaitHandshake();
  }

  // [ABORT, Details|dict, Reason|uri]: the client gave up (during authentication, usually):
  // no reply (spec), the link closes.
  private clientAbort(message: MessageOf<typeof MessageType.ABORT>): void {
    this.logger.info(
      { session: this.id || undefined, reason: message.reason, details: message.details },
      'client aborted',
    );
    this.close(CLOSE_NORMAL, 'aborted by the client');
  }

  /**
   * The transport is ready for a new session (it opened, or the last session ended): HELLO and
   * authentication must be done within `limits.handshakeTimeout`, so a client that connects
   * and stalls holds no resources for long.
   */
  private awaitHandshake(): void {
    this.current = 'establishing';
    this.identity = null;
    this.permitMemo = undefined;
    this.roles = {};
    this.stopHandshakeTimer();
    const timeout = this.host.limits.handshakeTimeout;
    this.handshakeTimer = setTimeout(
      () => this.guarded('the handshake timeout', () => this.handshakeTimedOut(timeout)),
      timeout,
    );
  }

  private handshakeTimedOut(timeout: number): void {
    this.handshakeTimer = undefined;
    const awaited = this.current === 'challenging' ? 'AUTHENTICATE' : 'HELLO';
    this.logger.info({ session: this.id || undefined, timeout }, `no ${awaited} in time; closing`);
    this.abort(HANDSHAKE_TIMEOUT, `no ${awaited} within ${timeout} ms`);
  }

  private stopHandshakeTimer(): void {
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
  }

  private oversize(size: number): void {
    const text = `message of ${size} bytes exceeds the limit of ${this.transport.maxMessageSize} bytes`;
    this.logger.warn({ session: this.id || undefined, size }, text);
    // The transport closes right after this returns (its contract), so no close() here.
    const abort: Message = {
      type: MessageType.ABORT,
      details: { message: text },
      reason: ErrorUri.PAYLOAD_SIZE_EXCEEDED,
    };
    if (this.current !== 'closed') this.send(abort);
    this.leaveRealm();
    this.ended();
  }

  private transportClosed(info: CloseInfo): void {
    this.logger.debug(
      { session: this.id || undefined, code: info.code, reason: info.reason },
      'transport closed',
    );
    if (!info.wasClean) this.lostBecause = info.error?.message ?? info.reason;
    this.leaveRealm();
    this.ended();
    this.host.detached(this);
  }

  /** Leaves the realm (dealer and broker clean up, meta events fire) and frees the session id. */
  private leaveRealm(): void {
    const realm = this.realm;
    this.realm = null;
    this.pendingAuth = null;
    if (realm !== null) realm.leave(this);
    if (this.id !== 0) this.host.release(this);
    this.sessionId = 0;
    this.sessionLogger = this.transportLogger;
  }

  /** The session is over for good: no timer of it may run on. */
  private ended(): void {
    this.current = 'closed';
    this.stopHandshakeTimer();
    this.settleGoodbye();
  }

  private settleGoodbye(): void {
    clearTimeout(this.goodbyeTimer);
    this.goodbyeTimer = undefined;
    this.goodbyeReply = null;
    const resolve = this.goodbyeAnswered;
    this.goodbyeAnswered = null;
    resolve?.();
  }
}
