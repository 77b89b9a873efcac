import { EventEmitter } from 'node:events';
import { componentLogger, defaultLogger, type Logger } from '../logger';
import { ErrorUri } from '../protocol/errors';
import type { Args, Kwargs } from '../protocol/messages';
import type { Transport } from '../transport/transport';
import { reconnectPolicy, retryDelay, type ReconnectOptions } from './backoff';
import { ClientErrorUri, SessionClosedError } from './errors';
import { MessageHooks, type MessageHookOptions } from './hooks';
import { Registration, type RegistrationOwner } from './registration';
import { ReusableTransport } from './reusable-transport';
import { Session } from './session';
import { Subscription, type SubscriptionOwner } from './subscription';
import type {
  CallResult,
  SessionCloseInfo,
  SessionOptions,
  ClientCallOptions,
  ClientPublishOptions,
  ClientRegisterOptions,
  ClientSubscribeOptions,
  EventHandler,
  ProcedureHandler,
  Publication,
} from './types';

/** Opens one transport to the router; called for every (re)connect. */
export interface TransportFactory {
  (): Promise<Transport>;
  /**
   * For a factory over several routers (`failoverTransport`): the router behind `transport`,
   * which this factory opened, refused the join with `error`. Returns the factory that opens the
   * next router of the same attempt (rejecting with an error that names every router and why,
   * when none is left), or undefined when `transport` is not one of its own.
   */
  refused?(transport: Transport, error: SessionClosedError): TransportFactory | undefined;
}

/** Options of a `Connection`: the session's, where to connect, and how to retry. */
export interface ConnectionOptions extends Omit<SessionOptions, 'hooks'> {
  /** Opens a transport, e.g. `() => connectWebSocket(url)`. */
  transport: TransportFactory;
  /** Backoff between retries (see `ReconnectOptions`), or `false` to never retry. */
  reconnect?: ReconnectOptions | false;
  /**
   * Retry when the very first connect or join fails (a service waiting for its router).
   * Default false: `open()` rejects at once, which suits scripts.
   */
  retryFirstConnect?: boolean;
  /**
   * Message hooks installed before the first connect, so they see every message from the
   * first HELLO and WELCOME on (`connection.hooks` takes more later). See `MessageHook`.
   */
  onMessage?: MessageHookOptions;
  /**
   * Called when a transport opens, from the very first (autobahn's `onconnect`); the same as a
   * listener of `open` attached before `open()`.
   */
  onConnect?: (transport: Transport) => void;
  /** Called on every join, the first included (autobahn's `onopen` / `onjoin`). */
  onJoin?: (session: Session) => void;
  /** Called when a joined session ends (autobahn's `onleave`). */
  onLeave?: (info: SessionCloseInfo) => void;
  /**
   * Called when a transport closes or could not be opened (autobahn's `onclose` /
   * `ondisconnect`), with whether a retry follows. Returning `true` stops reconnecting, as
   * autobahn's `onclose` does: the retry it announced is not made and the connection is done.
   */
  onDisconnect?: (info: ConnectionCloseInfo) => boolean | void;
}

/** Why a transport closed, or could not be opened. */
export interface ConnectionCloseInfo {
  /** The error that ended the attempt or the session. */
  readonly error: Error;
  /** True when another attempt is scheduled. */
  readonly willRetry: boolean;
  /** Milliseconds until it, when `willRetry`. */
  readonly retryIn?: number;
  /** Failed attempts in a row so far. */
  readonly retries: number;
}

/** What a `Connection` emits. */
export interface ConnectionEvents {
  /** A transport opened (the join follows). */
  open: [transport: Transport];
  /** A session joined and every registration and subscription was restored. */
  join: [session: Session];
  /** The joined session ended. */
  leave: [info: SessionCloseInfo];
  /** A transport closed or could not be opened; says whether a retry follows. */
  close: [info: ConnectionCloseInfo];
}

/** ABORT reasons a retry cannot fix: the client must change something first. */
const FINAL_REASONS: ReadonlySet<string> = new Set([
  ErrorUri.AUTHENTICATION_FAILED,
  ErrorUri.AUTHORIZATION_FAILED,
  ErrorUri.NOT_AUTHORIZED,
  ErrorUri.NO_SUCH_REALM,
  ErrorUri.NO_SUCH_ROLE,
  ErrorUri.NO_AUTH_METHOD,
  ClientErrorUri.CANNOT_AUTHENTICATE,
]);

/**
 * ABORT reasons about the credentials themselves: with a list of routers (`failoverTransport`)
 * they end the attempt at once, since every node of a cluster checks the same credentials (a
 * wrong password would only be tried again on each, counting against lockouts). Any other
 * refusal (`no_such_realm`, `not_authorized`, `no_auth_method`, too many sessions, overloaded,
 * shutting down, no WELCOME in time, the link lost during the join) moves on to the next router.
 */
const CREDENTIAL_REASONS: ReadonlySet<string> = new Set([
  ErrorUri.AUTHENTICATION_FAILED,
  ErrorUri.AUTHORIZATION_FAILED,
  ErrorUri.NO_SUCH_ROLE,
  ClientErrorUri.CANNOT_AUTHENTICATE,
]);

/**
 * A client that stays connected: it opens a transport, joins, and after a lost connection
 * reconnects with exponential backoff and jitter, re-joins, and restores every registration
 * and subscription with its original handler and options (the objects stay valid). Calls in
 * flight when the connection drops fail at once with `SessionClosedError`.
 *
 * @example
 * const connection = new Connection({ realm: 'realm1', transport: () => connectWebSocket(url) });
 * connection.on('join', (session) => console.log('joined', session.id));
 * await connection.open();
 * await connection.register('calc.add', ([a, b]) => Number(a) + Number(b));
 */
export class Connection
  extends EventEmitter<ConnectionEvents>
  implements RegistrationOwner, SubscriptionOwner
{
  /** Hooks on every message of every session of this connection. */
  readonly hooks: MessageHooks;

  private readonly logger: Logger;
  private readonly policy: Required<ReconnectOptions> | undefined;
  private readonly registrations = new Set<Registration>();
  private readonly subscriptions = new Set<Subscription>();
  private current?: Session;
  /** The link of the current (or, after `leave`, the last) session. */
  private link?: ReusableTransport;
  /** The realm to join: the options' until `join(realm)` names another. */
  private realm: string;
  /** Between `leave()` and `join()`: the session ended on purpose, nothing reconnects. */
  private left = false;
  /** The current session once its entries are restored: what `register` and `open` wait for. */
  private ready?: Session;
  private hasJoined = false;
  private started = false;
  private stopped = false;
  private finalError?: Error;
  private retries = 0;
  private retryTimer?: NodeJS.Timeout;
  private waiters: { resolve(session: Session): void; reject(error: Error): void }[] = [];

  /** Throws RangeError for reconnect options out of range. */
  constructor(private readonly options: ConnectionOptions) {
    super();
    this.realm = options.realm;
    this.logger = componentLogger(options.logger ?? defaultLogger(), 'client');
    this.hooks = new MessageHooks(this.logger);
    this.hooks.install(options.onMessage);
    // Listeners before the first attempt: they hear it too.
    if (options.onConnect) this.on('open', options.onConnect);
    if (options.onJoin) this.on('join', options.onJoin);
    if (options.onLeave) this.on('leave', options.onLeave);
    this.policy = options.reconnect === false ? undefined : reconnectPolicy(options.reconnect);
  }

  /** The joined session, if there is one now. */
  get session(): Session | undefined {
    return this.current?.isOpen ? this.current : undefined;
  }

  /**
   * Starts connecting; resolves with the first joined session. Rejects when the connection
   * gives up (first attempt failed without `retryFirstConnect`, retries exhausted, or a
   * refusal no retry can fix such as `wamp.error.authentication_failed`) or is closed.
   */
  open(): Promise<Session> {
    if (!this.started) {
      this.started = true;
      // attempt() settles every expected failure itself; anything left is a bug, logged, not thrown away.
      this.attempt().catch((err: unknown) => this.logger.error({ err }, 'connection attempt failed'));
    }
    return this.joined();
  }

  /** Stops reconnecting and leaves the session (GOODBYE), closing the transport. */
  async close(reason: string = ErrorUri.CLOSE_NORMAL, message?: string): Promise<void> {
    this.stop(new SessionClosedError(reason, message ?? 'the connection was closed'));
    await this.current?.leave(reason, message);
    this.link?.close(1000, 'connection closed');
  }

  /**
   * Leaves the session (GOODBYE) and keeps the transport open for `join` (autobahn's
   * `session.leave()`): nothing reconnects until then, `leave` is emitted, calls fail with
   * `SessionClosedError`. When the router does not answer the GOODBYE the transport is closed,
   * and `join` opens a new one.
   */
  async leave(reason: string = ErrorUri.CLOSE_NORMAL, message?: string): Promise<void> {
    const session = this.current;
    if (session === undefined || this.stopped) return;
    this.left = true;
    this.link?.keepOpen();
    await session.leave(reason, message);
    if (!session.leftCleanly) this.link?.close(1000, 'no GOODBYE reply');
  }

  /**
   * Joins again after `leave`, on the same transport when it is still open (a new HELLO),
   * else on a new one; `realm` switches to another realm, for this join and later reconnects.
   * Registrations and subscriptions the connection holds are made again, as after a reconnect.
   * Resolves with the new session; rejects as `open()` does.
   */
  join(realm?: string): Promise<Session> {
    if (this.stopped) return Promise.reject(this.finalError);
    if (!this.left) {
      return Promise.reject(
        new SessionClosedError(ClientErrorUri.NOT_CONNECTED, 'join() needs a leave() first'),
      );
    }
    this.left = false;
    if (realm !== undefined) this.realm = realm;
    const link = this.link;
    const joining = link?.isOpen ? this.rejoin(link) : this.attempt();
    joining.catch((err: unknown) => this.logger.error({ err }, 'join failed'));
    return this.joined();
  }

  /** Calls on the joined session; fails at once with `SessionClosedError` when there is none. */
  call(procedure: string, args?: Args, kwargs?: Kwargs, options?: ClientCallOptions): Promise<CallResult> {
    return this.withSession((session) => session.call(procedure, args, kwargs, options));
  }

  /** `call` resolving with the result's value (see `Session.callForValue`). */
  callForValue(
    procedure: string,
    args?: Args,
    kwargs?: Kwargs,
    options?: ClientCallOptions,
  ): Promise<unknown> {
    // Every proxy call comes here: no closure for `withSession` when there is a session.
    const session = this.session;
    if (session !== undefined) return session.callForValue(procedure, args, kwargs, options);
    return this.withSession((s) => s.callForValue(procedure, args, kwargs, options));
  }

  /** Publishes on the joined session; fails at once with `SessionClosedError` when there is none. */
  publish(
    topic: string,
    args?: Args,
    kwargs?: Kwargs,
    options?: ClientPublishOptions,
  ): Promise<Publication | undefined> {
    // Every publish comes here: no closure for `withSession` when there is a session.
    const session = this.session;
    if (session !== undefined) return session.publish(topic, args, kwargs, options);
    return this.withSession((s) => s.publish(topic, args, kwargs, options));
  }

  /**
   * Registers, waiting for a joined session if there is none yet; restored after every
   * reconnect until `unregister`.
   */
  async register(
    procedure: string,
    handler: ProcedureHandler,
    options: ClientRegisterOptions = {},
  ): Promise<Registration> {
    const registration = new Registration(procedure, handler, { ...options }, this);
    await this.apply(registration);
    this.registrations.add(registration);
    return registration;
  }

  /** Unregisters and stops restoring it. */
  async unregister(registration: Registration): Promise<void> {
    this.registrations.delete(registration);
    await this.session?.unregister(registration);
  }

  /**
   * Subscribes, waiting for a joined session if there is none yet; restored after every
   * reconnect until `unsubscribe`.
   */
  async subscribe(
    topic: string,
    handler: EventHandler,
    options: ClientSubscribeOptions = {},
  ): Promise<Subscription> {
    const subscription = new Subscription(topic, handler, { ...options }, this);
    await this.apply(subscription);
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** Unsubscribes and stops restoring it. */
  async unsubscribe(subscription: Subscription): Promise<void> {
    this.subscriptions.delete(subscription);
    await this.session?.unsubscribe(subscription);
  }

  /** A joined session: now, or once the next join completes. */
  private joined(): Promise<Session> {
    if (this.ready?.isOpen) return Promise.resolve(this.ready);
    if (this.stopped) return Promise.reject(this.finalError);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private withSession<T>(use: (session: Session) => Promise<T>): Promise<T> {
    const session = this.session;
    if (session !== undefined) return use(session);
    const error = this.finalError ?? new SessionClosedError(ClientErrorUri.NOT_CONNECTED, 'not connected');
    return Promise.reject(error);
  }

  /** Registers or subscribes on a joined session; a session lost meanwhile means: on the next one. */
  private async apply(entry: Registration | Subscription): Promise<void> {
    for (;;) {
      const session = await this.joined();
      try {
        return await session.restore(entry);
      } catch (err) {
        if (!(err instanceof SessionClosedError) || this.stopped) throw err;
      }
    }
  }

  /**
   * Opens a transport with `open` and joins over it. A router that refuses the join for a reason
   * of its own (not the credentials) is passed over for the next one of a router list at once.
   */
  private async attempt(open: TransportFactory = this.options.transport): Promise<void> {
    this.retryTimer = undefined;
    let transport: Transport;
    let link: ReusableTransport;
    try {
      transport = await open();
      if (this.stopped) return transport.close(1000, 'connection closed');
      link = this.link = new ReusableTransport(transport);
      this.notify('open', transport);
    } catch (err) {
      return this.afterClose(err as Error, isFinal(err));
    }
    const refusal = await this.joinOver(link);
    if (refusal === undefined) return;
    const next = this.movesOn(refusal) ? open.refused?.(transport, refusal) : undefined;
    if (next !== undefined) return this.attempt(next);
    this.afterClose(refusal, isFinal(refusal));
  }

  /** A join after `leave` on the link kept open: a refusal is handled as on any attempt. */
  private async rejoin(link: ReusableTransport): Promise<void> {
    const refusal = await this.joinOver(link);
    if (refusal !== undefined) this.afterClose(refusal, isFinal(refusal));
  }

  private movesOn(error: Error): error is SessionClosedError {
    return !this.stopped && error instanceof SessionClosedError && !CREDENTIAL_REASONS.has(error.uri);
  }

  /**
   * A new session over `link`: join, restore every entry, tell whoever waits. Resolves with the
   * error when the join failed, for the caller to retry or give up.
   */
  private async joinOver(link: ReusableTransport): Promise<Error | undefined> {
    let session: Session;
    try {
      session = new Session(link, {
        ...this.options,
        realm: this.realm,
        logger: this.logger,
        hooks: this.hooks,
      });
      await session.join();
    } catch (err) {
      return err as Error;
    }
    if (this.stopped) return void session.leave(); // leave never rejects
    this.current = session;
    this.retries = 0;
    void session.closed.then((info) => this.onSessionClosed(session, info)); // closed never rejects
    await this.restore(session);
    if (!session.isOpen) return;
    this.hasJoined = true;
    this.ready = session;
    this.notify('join', session);
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.resolve(session);
  }

  /** Re-applies every registration and subscription to a new session; failures are logged. */
  private async restore(session: Session): Promise<void> {
    const entries = [...this.registrations, ...this.subscriptions];
    const outcomes = await Promise.allSettled(entries.map((entry) => session.restore(entry)));
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled' || !session.isOpen) return;
      const entry = entries[i];
      const uri = entry instanceof Registration ? entry.procedure : entry.topic;
      this.logger.warn(
        { err: outcome.reason, uri },
        'could not restore after reconnect; next reconnect tries again',
      );
    });
  }

  private onSessionClosed(session: Session, info: SessionCloseInfo): void {
    if (this.current !== session) return;
    // A session lost before its restore finished never emitted join: no leave either.
    if (this.ready === session) this.notify('leave', info);
    this.current = this.ready = undefined;
    if (!this.left) this.afterClose(info.error, false);
  }

  /** Emits `close` (and `onDisconnect`), then retries or gives up. */
  private afterClose(error: Error, final: boolean): void {
    const retry = this.retryAllowed(final);
    if (!retry) {
      this.disconnected({ error, willRetry: false, retries: this.retries });
      return this.stop(error);
    }
    const delay = retryDelay(this.retries, this.policy as Required<ReconnectOptions>);
    this.retries += 1;
    if (this.disconnected({ error, willRetry: true, retryIn: delay, retries: this.retries })) {
      this.logger.info({ err: error }, 'onDisconnect returned true: not reconnecting');
      return this.stop(error);
    }
    this.logger.info({ err: error, delay, retries: this.retries }, 'reconnecting');
    this.retryTimer = setTimeout(() => void this.attempt(), delay);
  }

  /** Tells `close` listeners and `onDisconnect`; true when `onDisconnect` asked to stop. */
  private disconnected(info: ConnectionCloseInfo): boolean {
    this.notify('close', info);
    try {
      return this.options.onDisconnect?.(info) === true;
    } catch (err) {
      this.logger.error({ err }, 'onDisconnect threw');
      return false;
    }
  }

  private retryAllowed(final: boolean): boolean {
    if (this.stopped || final || this.policy === undefined) return false;
    if (!this.hasJoined && !this.options.retryFirstConnect) return false;
    return this.retries < this.policy.maxRetries;
  }

  /**
   * Emits `event` to each listener on its own: listeners run inside the reconnect loop, so a
   * throw is logged and the other listeners still hear the event.
   */
  private notify<K extends keyof ConnectionEvents>(event: K, ...args: ConnectionEvents[K]): void {
    // rawListeners keeps `once` wrappers, which remove themselves when called.
    for (const listener of this.rawListeners(event) as ((...a: ConnectionEvents[K]) => void)[]) {
      try {
        listener.apply(this, args);
      } catch (err) {
        this.logger.error({ err, event }, 'a connection listener threw');
      }
    }
  }

  /** No more attempts; whoever waits for a session fails with `error`. */
  private stop(error: Error): void {
    if (this.stopped) return;
    this.stopped = true;
    this.finalError = error;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(error);
  }
}

/** A refusal no retry can fix (`FINAL_REASONS`); transport failures never are. */
function isFinal(error: unknown): boolean {
  return error instanceof SessionClosedError && FINAL_REASONS.has(error.uri);
}
