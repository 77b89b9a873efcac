import { WServiceErrorUri } from '../errors';
import type { Logger } from '../logger';
import { decode, encode } from '../protocol/codec';
import { ErrorUri, ProtocolError } from '../protocol/errors';
import { IdSequence } from '../protocol/ids';
import {
  MessageType,
  messageName,
  type Dict,
  type Id,
  type Message,
  type MessageOf,
  type Roles,
} from '../protocol/messages';
import type { Frame } from '../protocol/serializer';
import { PayloadSizeError, type CloseInfo, type Transport } from '../transport/transport';
import type { AuthChallenge, Identity } from './auth/authenticator';
import type { ClientRole } from './features';
import { DISPATCH, type DispatchEntry } from './dispatch';
import { HANDSHAKE_TIMEOUT, type HandshakeHost } from './handshake';
import { OutboundGuard, type SendOutcome } from './limits';
import type { PendingCall } from './dealer';
import type { Realm } from './realm';
import type { Registration } from './registrations';
import type { Subscription } from './subscriptions';

/**
 * Router-side session states (spec: session lifecycle). `establishing` waits for HELLO (again
 * after a GOODBYE exchange: the transport may carry a new session); `challenging` waits for
 * AUTHENTICATE; `closing` waits for the GOODBYE that answers the router's own; `closed` is
 * final: the transport is gone or going.
 */
export type SessionState = 'establishing' | 'challenging' | 'established' | 'closing' | 'closed';

/** A CHALLENGE sent, waiting for its AUTHENTICATE. */
export interface PendingAuth {
  realm: Realm;
  method: string;
  challenge: AuthChallenge;
}

/** WebSocket close codes the router uses; RawSocket and in-process transports accept them too. */
const CLOSE_NORMAL = 1000;
const CLOSE_PROTOCOL_ERROR = 1002;
const CLOSE_POLICY = 1008;

/**
 * One client session on the router: the state machine, the dispatch of inbound messages by
 * code, and the outbound path (serialization, size and slow-consumer limits). What a message
 * means is decided by the realm's dealer and broker; this class only routes.
 */
export class RouterSession {
  state: SessionState = 'establishing';
  /** The WAMP session id; 0 before HELLO is accepted and after the session ends. */
  id: Id = 0;
  realm: Realm | null = null;
  authid = '';
  authrole = '';
  authmethod = '';
  authprovider = '';
  authextra: Dict | undefined;
  /** Roles and features the client announced in HELLO. */
  roles: Roles = {};
  pendingAuth: PendingAuth | null = null;
  logger: Logger;

  /** Calls this session made that are in flight, by CALL.Request. */
  readonly calls = new Map<Id, PendingCall>();
  /** Invocations this session must answer, by INVOCATION.Request. */
  readonly invocations = new Map<Id, PendingCall>();
  readonly registrations = new Set<Registration>();
  readonly subscriptions = new Set<Subscription>();

  private readonly guard: OutboundGuard;
  /** The logger without session bindings, for the next session on this transport. */
  private readonly transportLogger: Logger;
  /** Settles when the client answers the router's GOODBYE, or the session closes. */
  private goodbyeReply: Promise<void> | null = null;
  private goodbyeAnswered: (() => void) | null = null;
  private goodbyeTimer: NodeJS.Timeout | undefined;
  /** Runs while the session is establishing or challenging (`limits.handshakeTimeout`). */
  private handshakeTimer: NodeJS.Timeout | undefined;
  /** INVOCATION request ids are in the callee's session scope (spec): 1, 2, 3... per session. */
  private invocationIds = new IdSequence();
  /** The last INVOCATION.Request sent; answers to later ids were never asked for. */
  private lastInvocation = 0;

  constructor(
    readonly transport: Transport,
    readonly host: HandshakeHost,
    /** A peer in the router's own process (see `Router.attach`). */
    readonly trusted = false,
  ) {
    this.transportLogger = host.logger.child({ peer: transport.peer, transport: transport.kind });
    this.logger = this.transportLogger;
    this.guard = new OutboundGuard(host.limits, this.logger);
    // Before attach: a transport may deliver frames, or its close, from inside attach.
    this.awaitHandshake();
    transport.attach({
      message: (frame) => this.guarded('a message', () => this.receive(frame)),
      close: (info) => this.guarded('the transport closing', () => this.transportClosed(info)),
      oversize: (size) => this.guarded('an oversized message', () => this.oversize(size)),
    });
  }

  /** True when the client announced `feature` for `role` in HELLO. */
  supports(role: ClientRole, feature: string): boolean {
    return this.roles[role]?.features?.[feature] === true;
  }

  /** The realm of an established session; only called from established-state handlers. */
  get joined(): Realm {
    if (this.realm === null) throw new Error(`session ${this.id} is not in a realm`);
    return this.realm;
  }

  /** EVENTs dropped for this session by the slow-consumer policy. */
  get droppedEvents(): number {
    return this.guard.droppedEvents;
  }

  /** The request id of the next INVOCATION to this session. */
  nextInvocationRequest(): Id {
    this.lastInvocation = this.invocationIds.next();
    return this.lastInvocation;
  }

  /** True for an INVOCATION.Request this session was never sent (its YIELD or ERROR is a violation). */
  neverInvoked(request: Id): boolean {
    return request > this.lastInvocation;
  }

  // -------------------------------------------------------------------------------------
  // Inbound

  private receive(frame: Frame): void {
    if (this.state === 'closed') return;
    let message: Message;
    try {
      message = decode(this.transport.serializer.deserialize(frame));
    } catch (error) {
      // Whatever a peer's bytes make a decoder throw, it is the peer's fault, not ours.
      return this.protocolViolation(error instanceof Error ? error.message : String(error));
    }
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
      this.logger.error({ err: error, session: this.id || undefined }, `internal error handling ${what}`);
      try {
        this.abort(WServiceErrorUri.INTERNAL, 'the router failed to handle a message');
      } catch (again) {
        this.logger.error({ err: again }, 'internal error while aborting the session');
      }
    }
  }

  private dispatch(message: Message): void {
    if (this.state === 'closing') {
      // spec: after sending GOODBYE, a peer ignores everything but the GOODBYE reply.
      if (message.type === MessageType.GOODBYE) this.goodbyeReplied();
      return;
    }
    const entry = DISPATCH[message.type] as DispatchEntry<typeof message.type> | undefined;
    if (entry === undefined) {
      return this.protocolViolation(`${messageName(message.type)} is not a message a client may send`);
    }
    if (!entry.states.includes(this.state)) {
      return this.protocolViolation(
        `${messageName(message.type)} is not allowed while the session is ${this.state}`,
      );
    }
    entry.handle(this, message as never);
  }

  // -------------------------------------------------------------------------------------
  // Outbound

  /** Encodes, serializes and sends one message, subject to the size and buffer limits. */
  send(message: Message): SendOutcome {
    if (this.state === 'closed' || !this.transport.isOpen) return 'closed';
    let frame: Frame;
    try {
      frame = this.transport.serializer.serialize(encode(message));
    } catch (error) {
      // Forwarded payloads only (a hostile peer's cyclic value...): whoever sent it is refused,
      // and that refusal is the log line; this is the detail.
      this.logger.debug(
        { err: error, message: messageName(message.type) },
        'cannot serialize a message for this session',
      );
      return 'unserializable';
    }
    return this.sendFrame(frame, false);
  }

  /** Sends a frame already serialized with this session's serializer (EVENT fan-out). */
  sendFrame(frame: Frame, droppable: boolean): SendOutcome {
    if (this.state === 'closed' || !this.transport.isOpen) return 'closed';
    const admission = this.guard.admit(this.transport.bufferedAmount, droppable);
    if (admission === 'drop') return 'dropped';
    if (admission === 'overflow') {
      this.close(CLOSE_POLICY, 'outbound buffer limit exceeded');
      return 'closed';
    }
    try {
      this.transport.send(frame);
      return 'sent';
    } catch (error) {
      if (error instanceof PayloadSizeError) return 'too_big';
      this.logger.warn({ err: error }, 'transport refused a frame');
      return 'closed';
    }
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
    if (this.state === 'closed') return;
    this.send({ type: MessageType.ABORT, details: { message }, reason });
    this.close(code, reason);
  }

  /**
   * The router ends the session: GOODBYE now, the session leaves its realm at once, and the
   * transport stays open for the client's GOODBYE reply. A session not yet established is
   * aborted instead. Resolves when the client replied or the session closed.
   */
  goodbye(reason: string, message?: string): Promise<void> {
    if (this.state === 'closing') return this.goodbyeReply!;
    if (this.state !== 'established') {
      this.abort(reason, message ?? 'the router ends this session');
      return Promise.resolve();
    }
    this.leaveRealm();
    this.send({ type: MessageType.GOODBYE, details: message === undefined ? {} : { message }, reason });
    this.state = 'closing';
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
    if (this.state === 'closed') return;
    this.leaveRealm();
    this.ended();
    this.transport.close(code, reason);
  }

  /** Makes this session an established member of `realm` (after authentication). */
  establish(realm: Realm, identity: Identity): void {
    this.authid = identity.authid;
    this.authrole = identity.authrole;
    this.authmethod = identity.authmethod;
    this.authprovider = identity.authprovider;
    this.authextra = identity.authextra;
    this.pendingAuth = null;
    this.state = 'established';
    this.realm = realm;
    this.stopHandshakeTimer();
    this.logger = this.transportLogger.child({
      session: this.id,
      realm: realm.name,
      authid: identity.authid,
    });
  }

  /** The client answered our GOODBYE: the transport may carry a new session. */
  private goodbyeReplied(): void {
    this.settleGoodbye();
    this.awaitHandshake();
  }

  /** The client said GOODBYE first: reply, leave the realm, wait for a new HELLO or the close. */
  clientGoodbye(): void {
    // Leaving first: whatever the cleanup sends this session arrives before the GOODBYE.
    this.leaveRealm();
    this.send({ type: MessageType.GOODBYE, details: {}, reason: ErrorUri.GOODBYE_AND_OUT });
    this.awaitHandshake();
  }

  /** The client gave up (during authentication, usually): no reply (spec), the link closes. */
  clientAbort(message: MessageOf<typeof MessageType.ABORT>): void {
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
    this.state = 'establishing';
    this.invocationIds = new IdSequence();
    this.lastInvocation = 0;
    this.stopHandshakeTimer();
    const timeout = this.host.limits.handshakeTimeout;
    this.handshakeTimer = setTimeout(
      () => this.guarded('the handshake timeout', () => this.handshakeTimedOut(timeout)),
      timeout,
    );
  }

  private handshakeTimedOut(timeout: number): void {
    this.handshakeTimer = undefined;
    const awaited = this.state === 'challenging' ? 'AUTHENTICATE' : 'HELLO';
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
    if (this.state !== 'closed') this.send(abort);
    this.leaveRealm();
    this.ended();
  }

  private transportClosed(info: CloseInfo): void {
    this.logger.debug(
      { session: this.id || undefined, code: info.code, reason: info.reason },
      'transport closed',
    );
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
    this.id = 0;
    this.logger = this.transportLogger;
  }

  /** The session is over for good: no timer of it may run on. */
  private ended(): void {
    this.state = 'closed';
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
