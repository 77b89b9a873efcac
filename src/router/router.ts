import { once } from 'node:events';
import { componentLogger, defaultLogger, type Logger } from '../logger';
import { ErrorUri } from '../protocol/errors';
import { IdSequence, randomId } from '../protocol/ids';
import type { Id } from '../protocol/messages';
import { PendingConnections, type Listener, type Transport } from '../transport';
import { authenticatorHooks } from './auth';
import { LoadedHooks, type ProcedureHookOptions } from './auth/hook';
import { authenticatorProcedure, authorizerProcedure, type CallProcedure } from './auth/procedure-hooks';
import { ProcedureCaller } from './procedure-caller';
import { BufferBudget, bufferedBytesOf } from './budget';
import { ADMIN_ROLE, type UriReservation } from './authorizer';
import { Handshake } from './handshake';
import { openListener, type ListenerInfo, type SharedServer } from './listeners';
import {
  resolveLimits,
  validateRouterOptions,
  type RealmOptions,
  type ResolvedLimits,
  type RouterOptions,
  type RouterStartOptions,
  type ListenerOptions,
  type SharedServerOptions,
} from './options';
import { Realm } from './realm';
import { RouterStateError } from './state-error';
import type { WServiceMetrics } from '../observability/metrics';
import { RouterSession, type SessionHost } from './router-session';

/** A snapshot of what a router holds (`router.stats`). */
export interface RouterStats {
  /** Open links (WebSocket, RawSocket, in-process), with or without a session. */
  transports: number;
  /** Sessions holding a session id: joined, or still authenticating. */
  sessions: number;
  realms: number;
  /** Registrations (a shared one counts once, whatever its callees). */
  registrations: number;
  /** Subscriptions (one per topic and match policy, whatever its subscribers). */
  subscriptions: number;
  /** Calls whose INVOCATION went out and whose final answer has not come back. */
  callsInFlight: number;
  /** Connections accepted by the listeners that have not joined yet. */
  pendingConnections: number;
  /** Bytes buffered over every link now: unsent output and unfinished inbound messages. */
  bufferedBytes: number;
  /** EVENTs the slow-consumer policy dropped, summed over the sessions open now. */
  droppedEvents: number;
  /** Of those, per session id: the open sessions that lost any. */
  droppedEventsBySession: Record<Id, number>;
  /** Publishers the router is not reading from now, while the subscribers they feed drain. */
  heldPublishers: number;
}

/**
 * The embedded WAMP router: realms with a dealer, a broker, authentication, authorization
 * and the meta API, reachable over WebSocket and RawSocket listeners and in-process.
 *
 * @example
 * const router = await Router.start({ listeners: [{ type: 'websocket', port: 0 }] });
 * console.log(router.listeners[0].url);   // ws://127.0.0.1:41234/ws
 * await router.stop();
 */
/** Options of `Router.attach`. */
export interface AttachOptions {
  /**
   * The peer runs in this process (an in-process pair made by your own code): joining
   * anonymously, it keeps the authid it asks for in HELLO. Never set it for remote peers.
   */
  trusted?: boolean;
}

export class Router {
  /** The listeners, in the order of the options, with their actual URLs and ports. */
  readonly listeners: readonly ListenerInfo[] = [];

  private readonly realms = new Map<string, Realm>();
  /** URIs reserved for running services, in every realm (also those created later). */
  private readonly reservations: UriReservation[] = [];
  private readonly sessions = new Set<RouterSession>();
  private readonly sessionIds = new Map<Id, RouterSession>();
  private readonly openListeners: Listener[] = [];
  private readonly ids = new IdSequence();
  private readonly limits: ResolvedLimits;
  private readonly logger: Logger;
  private readonly autoCreateRealms: boolean;
  private readonly host: SessionHost;
  private readonly unwatchMetrics: (() => void) | undefined;
  private readonly pending: PendingConnections;
  private readonly budget: BufferBudget;
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly options: RouterOptions,
    logger: Logger,
    private readonly hooks: LoadedHooks,
    metrics: WServiceMetrics | undefined,
  ) {
    this.logger = logger;
    this.unwatchMetrics = metrics?.watchRouter(this);
    this.limits = resolveLimits(options.limits);
    this.autoCreateRealms = options.autoCreateRealms ?? options.realms === undefined;
    for (const realm of options.realms ?? []) this.createRealm(realm);
    this.pending = new PendingConnections(
      {
        maxPending: this.limits.maxPendingConnections,
        maxPendingPerAddress: this.limits.maxPendingPerAddress,
      },
      this.logger,
    );
    this.budget = new BufferBudget(this.limits.maxBufferedBytes, () => this.sessions, this.logger);
    const handshake = new Handshake({
      limits: this.limits,
      findRealm: (name) => this.findRealm(name),
      admit: (session) => this.admit(session),
      overloaded: () => this.budget.overloaded,
    });
    this.host = {
      logger: this.logger,
      limits: this.limits,
      metrics: metrics?.routerSink(),
      hello: (session, message) => handshake.hello(session, message),
      release: (session) => this.sessionIds.delete(session.id),
      detached: (session) => {
        this.sessions.delete(session);
        // What it held is free: a full budget may accept sessions again at once, not at the next sweep.
        if (this.budget.overloaded) this.budget.check();
      },
    };
  }

  /**
   * Validates the options, opens every listener and returns the running router. Throws
   * `RouterOptionsError` for a wrong option (naming its key) and `TransportError` when a
   * listener cannot bind; listeners already open are closed again.
   */
  static async start(options: RouterStartOptions = {}): Promise<Router> {
    const { logger = defaultLogger(), metrics, ...plain } = options;
    const validated = validateRouterOptions(plain);
    const realms = validated.realms ?? [];
    // Procedure hooks call through the router's own caller, which exists once the router does.
    const caller = new ProcedureCaller();
    const call: CallProcedure = (realm, procedure, args, timeout) =>
      caller.call(realm, procedure, args, timeout);
    const hooks = await LoadedHooks.load([
      ...[validated.auth, ...realms.map((realm) => realm.auth)]
        .flatMap(authenticatorHooks)
        .map((options) => ({ options, bind: (p: ProcedureHookOptions) => authenticatorProcedure(p, call) })),
      ...realms.flatMap(({ name, authorizer }) =>
        authorizer === undefined
          ? []
          : [{ options: authorizer, bind: (p: ProcedureHookOptions) => authorizerProcedure(p, name, call) }],
      ),
    ]);
    const router = new Router(validated, componentLogger(logger, 'router'), hooks, metrics);
    caller.joinThrough(router);
    // spec-less, as Crossbar.io: only trusted sessions (in-process, or role admin) may offer them.
    for (const uri of hooks.procedures) router.reserve({ uri, match: 'exact', owner: ADMIN_ROLE });
    try {
      for (const [index, listenerOptions] of (router.options.listeners ?? []).entries()) {
        await router.open(listenerOptions, index);
      }
    } catch (error) {
      router.budget.stop();
      await Promise.allSettled(router.openListeners.map((l) => l.close()));
      throw error;
    }
    return router;
  }

  /**
   * Serves WAMP over WebSocket on the application's own HTTP(S) server, at `options.path`
   * (default `/ws`), sharing its port (serverwamp's attach): a plain `http.createServer()` /
   * `https.createServer()`, the server of Express's `app.listen()`, Fastify's `fastify.server`.
   * The server's requests and other upgrade paths stay its own; `stop()` closes the WAMP links
   * and leaves the server running. Resolves once the server listens, with the endpoint as
   * `router.listeners` shows it. Throws `RouterOptionsError` for a wrong option, and
   * `RouterStateError` once `stop()` was called (also while waiting for the server to listen).
   *
   * @example
   * const server = http.createServer(app).listen(3000);
   * await router.listenOn(server, { path: '/wamp' }); // ws://127.0.0.1:3000/wamp
   */
  async listenOn(server: SharedServer, options: SharedServerOptions = {}): Promise<ListenerInfo> {
    this.checkRunning('listenOn()');
    const [checked] = validateRouterOptions({ listeners: [{ ...options, type: 'websocket' }] }).listeners!;
    if (!server.listening) await once(server, 'listening');
    this.checkRunning('listenOn()'); // it may have stopped while the server was not listening yet
    return this.open(checked, this.listeners.length, server);
  }

  /** Throws `RouterStateError` once `stop()` was called. */
  private checkRunning(operation: string): void {
    if (this.stopping !== undefined)
      throw new RouterStateError(`${operation} on a router that is stopping or stopped`);
  }

  private async open(options: ListenerOptions, index: number, server?: SharedServer): Promise<ListenerInfo> {
    const { info, listener } = await openListener(
      options,
      index,
      {
        maxMessageSize: this.limits.maxMessageSize,
        openTimeout: this.limits.openTimeout,
        messageTimeout: this.limits.messageTimeout,
        outboundLimit: this.limits.outboundHardLimit,
        pending: this.pending,
        onBuffering: (transport) => this.budget.grew(transport),
        logger: this.logger,
        onTransport: (transport) => this.attach(transport),
      },
      server,
    );
    this.openListeners.push(listener);
    (this.listeners as ListenerInfo[]).push(info);
    this.logger.debug({ url: info.url }, 'router listening');
    return info;
  }

  /**
   * Serves a peer over any transport: in-process (`createInProcessPair()`), or a link
   * accepted elsewhere. The peer then says HELLO like any client.
   */
  attach(transport: Transport, options: AttachOptions = {}): void {
    if (this.stopping !== undefined) {
      transport.close(1001, 'router shutting down');
      return;
    }
    this.sessions.add(new RouterSession(transport, this.host, options.trusted === true));
  }

  /** Where clients should connect: the first WebSocket listener's URL, else the first listener's. */
  get clientUrl(): string | undefined {
    return (this.listeners.find((l) => l.type === 'websocket') ?? this.listeners[0])?.url;
  }

  /** Names of the realms that exist now (configured, or created on first join). */
  get realmNames(): string[] {
    return [...this.realms.keys()];
  }

  /**
   * @internal Calls its dealers handed from an in-process caller straight to an in-process
   * callee (no messages; docs/architecture.md), for tests that check the direct path is taken.
   */
  get directCalls(): number {
    let count = 0;
    for (const realm of this.realms.values()) count += realm.directCalls;
    return count;
  }

  /** Sessions that hold a session id (joined, or authenticating). */
  get sessionCount(): number {
    return this.sessionIds.size;
  }

  /**
   * What the router holds right now, summed over its realms: read-only counters for
   * monitoring and for tests that check nothing leaks when peers vanish.
   */
  get stats(): RouterStats {
    const stats: RouterStats = {
      transports: this.sessions.size,
      sessions: this.sessionIds.size,
      realms: this.realms.size,
      registrations: 0,
      subscriptions: 0,
      callsInFlight: 0,
      pendingConnections: this.pending.size,
      bufferedBytes: 0,
      droppedEvents: 0,
      droppedEventsBySession: {},
      heldPublishers: 0,
    };
    for (const session of this.sessions) {
      stats.bufferedBytes += bufferedBytesOf(session.transport);
      stats.droppedEvents += session.droppedEvents;
      if (session.droppedEvents > 0 && session.id !== 0) {
        stats.droppedEventsBySession[session.id] = session.droppedEvents;
      }
    }
    for (const realm of this.realms.values()) {
      const held = realm.stats;
      stats.registrations += held.registrations;
      stats.subscriptions += held.subscriptions;
      stats.callsInFlight += held.callsInFlight;
      stats.heldPublishers += held.heldPublishers;
    }
    return stats;
  }

  /**
   * @internal For tests that check nothing leaks: sessions that some realm's dealer or broker
   * still holds state for although they left it. Always 0.
   */
  get strayedSessions(): number {
    let strayed = 0;
    for (const realm of this.realms.values()) strayed += realm.strayedSessions();
    return strayed;
  }

  /**
   * Stops the router: GOODBYE `wamp.close.system_shutdown` to every session, up to
   * `limits.shutdownTimeout` ms for their replies, then every transport and listener closes.
   * Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.logger.debug({ sessions: this.sessionIds.size }, 'router stopping');
    const replies = [...this.sessions].map((s) =>
      s.goodbye(ErrorUri.SYSTEM_SHUTDOWN, 'the router is shutting down'),
    );
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>(
      (resolve) => (timer = setTimeout(resolve, this.limits.shutdownTimeout)),
    );
    await Promise.race([Promise.all(replies), deadline]);
    clearTimeout(timer);
    for (const session of [...this.sessions]) session.close(1001, 'router shutting down');
    for (const realm of this.realms.values()) realm.close();
    await Promise.allSettled(this.openListeners.map((l) => l.close()));
    this.budget.stop();
    this.unwatchMetrics?.();
    this.logger.debug('router stopped');
  }

  /**
   * True when realms without roles allow everything (`permissive`), instead of the default
   * rules: a development mode, which the start-up summary says.
   */
  get permissive(): boolean {
    return this.options.permissive === true;
  }

  /**
   * Reserves URIs for a service, in every realm: only trusted in-process sessions and
   * sessions whose authrole is `owner` may register them, in any match mode (patterns that
   * reach them are refused), and calls of them go to nobody else. `ServiceRunner` reserves
   * each running service's namespace, custom procedure URIs and pool procedures.
   */
  reserve(reservation: UriReservation): void {
    const { uri, match, owner } = reservation;
    if (this.reservations.some((r) => r.uri === uri && r.match === match && r.owner === owner)) return;
    this.reservations.push({ uri, match, owner });
    for (const realm of this.realms.values()) realm.reserve(reservation);
  }

  private findRealm(name: string): Realm | undefined {
    const realm = this.realms.get(name);
    if (realm !== undefined || !this.autoCreateRealms) return realm;
    this.logger.debug({ realm: name }, 'creating realm on first join');
    return this.createRealm({ name, auth: this.options.auth });
  }

  private createRealm(options: RealmOptions): Realm {
    const realm = new Realm(
      options.name,
      {
        roles: options.roles,
        auth: options.auth ?? this.options.auth,
        authorizer: options.authorizer,
        permissive: this.options.permissive,
        hooks: this.hooks,
      },
      this.ids,
      this.logger.child({ realm: options.name }),
    );
    for (const reservation of this.reservations) realm.authorizer.reserve(reservation);
    this.realms.set(options.name, realm);
    return realm;
  }

  private admit(session: RouterSession): Id | undefined {
    if (this.sessionIds.size >= this.limits.maxSessions) return undefined;
    let id = randomId();
    while (this.sessionIds.has(id)) id = randomId();
    this.sessionIds.set(id, session);
    return id;
  }
}
