import { ErrorUri, ProtocolError, WampError } from '../protocol/errors';
import { decodableCall, decodableCallOf } from '../protocol/codec';
import {
  MessageType,
  type Args,
  type CallOptions,
  type InvocationDetails,
  type Kwargs,
  type MessageOf,
} from '../protocol/messages';
import { NO_CALL_OPTIONS, type DirectPending, type DirectReply } from '../transport/inprocess';
import { carryPayload } from '../protocol/serializers/raw-payload';
import { isReservedUri, isValidUri } from '../protocol/uri';
import { CallTracker, DirectCall, DirectCalls } from './calls';
import type { RealmPartSetup } from './realm-part';
import { RegistrationTable, type Callee, type Registration, type RegistrationIndex } from './registrations';
import {
  customAttributes,
  isValidPattern,
  readCallOptions,
  readRegisterOptions,
  type CallRequest,
} from './request-options';
import type { RouterSession } from './router-session';

/** A router-provided procedure (the meta API): positional results, or a thrown `WampError`. */
export type MetaProcedure = (
  caller: RouterSession,
  args: unknown[],
  kwargs: Record<string, unknown>,
) => unknown[];

/** Where the dealer reports registrations coming and going (the meta API's events). */
export interface RegistrationEvents {
  registrationCreated(session: RouterSession, registration: Registration): void;
  registered(session: RouterSession, registration: Registration): void;
  unregistered(session: RouterSession, registration: Registration): void;
  registrationDeleted(session: RouterSession, registration: Registration): void;
}

/** What a dealer works with, besides its own registrations and calls. */
export interface DealerSetup extends RealmPartSetup<RegistrationEvents> {
  /** The router-provided procedure called `uri`, if there is one. */
  readonly metaProcedure: (uri: string) => MetaProcedure | undefined;
}

/**
 * Direct calls nested in one stack at most (a handler calling on synchronously): deeper calls go
 * as messages, so a chain or a recursion of calls never exhausts the stack the message path
 * would not.
 */
const MAX_DIRECT_DEPTH = 32;

/**
 * The dealer of one realm (spec: "Remote Procedure Calls"): registrations with exact,
 * prefix and wildcard matching and shared invoke policies, and the routing of each CALL to
 * one callee. What happens to a call once it is in flight (results, errors, progress,
 * cancel, timeout) is the `CallTracker`'s job.
 */
export class Dealer {
  private readonly table = new RegistrationTable();
  private readonly calls: CallTracker;
  /** Direct calls (`callDirect`) whose callee answers later. */
  private readonly direct = new DirectCalls();
  /** Direct calls running inside one another now (a handler that calls on, directly). */
  private directDepth = 0;
  /** @internal Calls taken by `callDirect`, for tests that check the direct path is taken. */
  directTaken = 0;
  /** Whether a callee may answer calls of a procedure: its role may register it by exact URI. */
  private readonly mayAnswer = (callee: Callee, procedure: string): boolean =>
    this.setup.permissions.permits(callee.session, 'register', procedure);
  /**
   * `directTarget`'s last answer, and the procedure and table generation it is for; with it,
   * `directRoute`'s route when that registration has one callee, and the authorizer generation
   * that callee was found eligible in; and `callerPermitted`'s last verdict on that procedure,
   * the caller (its session and session id: a session object joins again under a new id, maybe
   * in another role) and the authorizer generation it is for.
   */
  private readonly directMemo: {
    procedure: string | undefined;
    generation: number;
    best: Registration | undefined;
    only: Route | undefined;
    grants: number;
    caller: RouterSession | undefined;
    callerId: number;
    callerGrants: number;
    callerAllowed: boolean;
  } = {
    procedure: undefined,
    generation: -1,
    best: undefined,
    only: undefined,
    grants: -1,
    caller: undefined,
    callerId: 0,
    callerGrants: -1,
    callerAllowed: false,
  };

  constructor(private readonly setup: DealerSetup) {
    this.calls = new CallTracker(setup.logger);
  }

  /** This realm's registrations, to read. */
  get registrations(): RegistrationIndex {
    return this.table;
  }

  // [REGISTER, Request|id, Options|dict, Procedure|uri]
  register(session: RouterSession, message: MessageOf<typeof MessageType.REGISTER>): void {
    const { request, procedure } = message;
    const refuse = (uri: string, text: string) => session.refuse(MessageType.REGISTER, request, uri, text);
    const options = readRegisterOptions(message.options);
    if (!isValidPattern(procedure, options.match)) {
      return refuse(ErrorUri.INVALID_URI, `"${procedure}" is not a valid ${options.match} procedure URI`);
    }
    if (isReservedUri(procedure)) {
      return refuse(
        ErrorUri.INVALID_URI,
        `"${procedure}" is in the wamp. namespace, reserved for the router`,
      );
    }
    const denied = this.setup.permissions.registerProblem(session, procedure, options.match);
    if (denied !== undefined) return refuse(ErrorUri.NOT_AUTHORIZED, denied);
    let registration: Registration | undefined = this.table.lookup(procedure, options.match);
    if (registration !== undefined) {
      const problem = sharingProblem(registration, session, options.invoke);
      if (problem !== undefined) return refuse(ErrorUri.PROCEDURE_ALREADY_EXISTS, problem);
    }
    const created = registration === undefined;
    registration ??= this.table.create(this.setup.ids.next(), procedure, options.match, options.invoke);
    this.table.addCallee(registration, {
      session,
      discloseCaller: options.discloseCaller,
      forwardTimeout: options.forwardTimeout,
    });
    session.send({ type: MessageType.REGISTERED, request, registration: registration.id });
    if (created) this.setup.events.registrationCreated(session, registration);
    this.setup.events.registered(session, registration);
  }

  // [UNREGISTER, Request|id, REGISTERED.Registration|id]
  unregister(session: RouterSession, message: MessageOf<typeof MessageType.UNREGISTER>): void {
    const registration = this.table.get(message.registration);
    if (registration === undefined || !this.table.holds(session, registration)) {
      return session.refuse(
        MessageType.UNREGISTER,
        message.request,
        ErrorUri.NO_SUCH_REGISTRATION,
        `this session holds no registration ${message.registration}`,
      );
    }
    session.send({ type: MessageType.UNREGISTERED, request: message.request });
    this.detach(session, registration);
  }

  // [CALL, Request|id, Options|dict, Procedure|uri, Arguments|list?, ArgumentsKw|dict?]
  call(caller: RouterSession, message: MessageOf<typeof MessageType.CALL>): void {
    const { request, procedure } = message;
    if (this.calls.isInFlight(caller, request)) {
      throw new ProtocolError(`CALL Request|id ${request} is already used by a call in flight`);
    }
    const refuse = (uri: string, text: string) => caller.refuse(MessageType.CALL, request, uri, text);
    // An exact registration's URI was checked when it was registered: no regex per call to it.
    if (this.table.lookup(procedure, 'exact') === undefined && !isValidUri(procedure))
      return refuse(ErrorUri.INVALID_URI, `"${procedure}" is not a valid procedure URI`);
    const options = readCallOptions(message.options);
    if (!this.setup.permissions.permits(caller, 'call', procedure)) {
      return refuse(ErrorUri.NOT_AUTHORIZED, `role "${caller.authrole}" may not call "${procedure}"`);
    }
    const metaProcedure = this.setup.metaProcedure(procedure);
    if (metaProcedure !== undefined) return this.callMeta(caller, message, metaProcedure);
    const route = this.route(procedure);
    if (route === undefined) {
      return refuse(ErrorUri.NO_SUCH_PROCEDURE, `no callee has registered "${procedure}"`);
    }
    this.invoke(caller, message, options, route.registration, route.callee);
  }

  /**
   * A CALL from a client on an in-process link of this router, as values (`DirectSide.call`):
   * when every check of `call` passes, the call is no meta procedure's, and the callee picked by `route` takes invocations directly, the
   * callee's handler answers `reply` without any message. Otherwise false, with nothing done
   * (the invoke policy's pick undone): the client sends the CALL, and `call` decides again,
   * refusals included.
   */
  callDirect(
    caller: RouterSession,
    procedure: string,
    wire: CallOptions,
    args: Args | undefined,
    kwargs: Kwargs | undefined,
    reply: DirectReply,
  ): false | 'done' | DirectPending {
    // A handler calling on directly runs in its caller's stack: past a depth, the messages
    // start a new one, as every call on the message path does.
    if (this.directDepth >= MAX_DIRECT_DEPTH) return false;
    // What the message path refuses (or sends on as a frame) takes it.
    const decodable =
      wire === NO_CALL_OPTIONS
        ? decodableCallOf(procedure, args, kwargs)
        : decodableCall(wire, procedure, args, kwargs);
    if (!decodable) return false;
    const best = this.directTarget(procedure);
    if (best === undefined) return false;
    if (!this.callerPermitted(caller, procedure)) return false;
    const route = this.directRoute(procedure, best);
    if (route === undefined) return false;
    const { registration, callee } = route;
    const target = callee.session.directCallee();
    if (target?.invoke === undefined) {
      this.table.undoPick(registration, callee);
      return false;
    }
    const receiveProgress = wire.receive_progress === true;
    const timeout = wire.timeout ?? 0;
    const details = invocationDetails(
      caller,
      procedure,
      wire === NO_CALL_OPTIONS ? undefined : customAttributes(wire),
      wire.disclose_me === true,
      receiveProgress,
      timeout,
      registration,
      callee,
    );
    const calleeTimesOut = details.timeout !== undefined;
    const call = new DirectCall(this.direct, caller, callee.session, reply, receiveProgress);
    let run: ReturnType<NonNullable<typeof target.invoke>>;
    this.directDepth++;
    try {
      run = target.invoke(registration.id, details, args, kwargs, call);
    } finally {
      this.directDepth--;
    }
    if (run === false) {
      this.table.undoPick(registration, callee);
      return false;
    }
    this.directTaken++;
    caller.countDirect('in', MessageType.CALL);
    callee.session.countDirect('out', MessageType.INVOCATION);
    if (run === undefined || call.done) return 'done';
    this.direct.track(call, run, calleeTimesOut ? 0 : timeout);
    return call;
  }

  /**
   * The best registration of `procedure` when a call of it may go directly whoever calls,
   * else undefined: an invalid URI, no registration, none of its callees on an in-process link
   * (a callee on a socket: the CALL goes as a message, at the cost of this check only), a meta
   * procedure. What it found for the last procedure holds while the registrations do not change.
   */
  private directTarget(procedure: string): Registration | undefined {
    const memo = this.directMemo;
    const { generation } = this.table;
    if (memo.procedure === procedure && memo.generation === generation) return memo.best;
    const exact = this.table.lookup(procedure, 'exact');
    let best =
      exact !== undefined || isValidUri(procedure) ? (exact ?? this.table.match(procedure)) : undefined;
    if (
      best !== undefined &&
      (!best.callees.some(onInProcessLink) || this.setup.metaProcedure(procedure) !== undefined)
    )
      best = undefined;
    memo.procedure = procedure;
    memo.generation = generation;
    memo.best = best;
    memo.only = undefined;
    memo.caller = undefined;
    return best;
  }

  /**
   * `permits(caller, 'call', procedure)` for a direct call of `directTarget`'s procedure: the
   * same caller calling it again is answered from `directMemo` while the authorizer's verdicts
   * stand (its generation).
   */
  private callerPermitted(caller: RouterSession, procedure: string): boolean {
    const memo = this.directMemo;
    const { permissions } = this.setup;
    const grants = permissions.generation;
    if (memo.caller === caller && memo.callerId === caller.id && memo.callerGrants === grants)
      return memo.callerAllowed;
    const allowed = permissions.permits(caller, 'call', procedure);
    memo.caller = caller;
    memo.callerId = caller.id;
    memo.callerGrants = grants;
    memo.callerAllowed = allowed;
    return allowed;
  }

  /**
   * `route` for a direct call to `best` (`directTarget`'s answer): a registration with one
   * callee that may answer gives that callee every call, whatever the invoke policy, while
   * neither the registrations nor the authorizer's verdicts change, so it is found once.
   * (roundrobin's position stays where the pick that found it left it, as every pick among one
   * callee leaves it.)
   */
  private directRoute(procedure: string, best: Registration): Route | undefined {
    const memo = this.directMemo;
    const grants = this.setup.permissions.generation;
    if (memo.only !== undefined && memo.grants === grants) return memo.only;
    const route = this.route(procedure, best);
    memo.only = route?.registration === best && best.callees.length === 1 ? route : undefined;
    memo.grants = grants;
    return route;
  }

  /**
   * Where a CALL of `procedure` goes: the best registration (exact, longest prefix, best
   * wildcard) and its callee by invoke policy, among callees whose role may register
   * `procedure` by exact URI (a pattern alone was judged when it was registered). When the
   * best registration has no such callee, the next best one is tried.
   */
  private route(procedure: string, best = this.table.match(procedure)): Route | undefined {
    if (best === undefined) return undefined;
    const eligible = this.mayAnswer;
    let callee = this.table.pickCallee(best, eligible, procedure);
    if (callee !== undefined) return { registration: best, callee };
    for (const registration of this.table.ranked(procedure)) {
      if (registration === best) continue;
      callee = this.table.pickCallee(registration, eligible, procedure);
      if (callee !== undefined) return { registration, callee };
    }
    return undefined;
  }

  // [YIELD, INVOCATION.Request|id, Options|dict, Arguments|list?, ArgumentsKw|dict?]
  yield(callee: RouterSession, message: MessageOf<typeof MessageType.YIELD>): void {
    this.calls.yielded(callee, message);
  }

  // [ERROR, INVOCATION, INVOCATION.Request|id, Details|dict, Error|uri, Arguments|list?, ArgumentsKw|dict?]
  invocationError(callee: RouterSession, message: MessageOf<typeof MessageType.ERROR>): void {
    this.calls.failed(callee, message);
  }

  // [CANCEL, CALL.Request|id, Options|dict]
  cancel(caller: RouterSession, message: MessageOf<typeof MessageType.CANCEL>): void {
    this.calls.cancel(caller, message);
  }

  /**
   * `session` left the realm: its registrations go (meta events fire), calls it was
   * answering fail with `wamp.error.canceled`, calls it made are interrupted.
   */
  sessionLeft(session: RouterSession): void {
    for (const registration of this.table.heldBy(session)) this.detach(session, registration);
    this.calls.sessionLeft(session);
    this.direct.sessionLeft(session);
    // What the direct path remembered of it goes too: a session that left is not kept alive.
    const memo = this.directMemo;
    if (memo.caller === session) memo.caller = undefined;
    if (memo.only?.callee.session === session) memo.only = undefined;
  }

  /**
   * Detaches every callee that may no longer hold its registration (a URI was reserved for a
   * service after it registered): the owner can then register, and no call reaches it.
   */
  revokeUnauthorized(): void {
    for (const registration of this.table.list()) {
      for (const { session } of [...registration.callees]) {
        const problem = this.setup.permissions.registerProblem(session, registration.uri, registration.match);
        if (problem === undefined) continue;
        session.logger.info({ procedure: registration.uri }, `registration revoked: ${problem}`);
        this.detach(session, registration);
      }
    }
  }

  /** Calls in flight in this realm. */
  get callsInFlight(): number {
    return this.calls.size + this.direct.size;
  }

  /** The sessions the dealer holds state for: callees, and either side of calls. */
  *heldSessions(): Iterable<RouterSession> {
    yield* this.table.holders();
    yield* this.calls.heldSessions();
    yield* this.direct.heldSessions();
  }

  /** Ends every call in flight (router stop): their timers must not outlive the router. */
  close(): void {
    this.calls.clear();
    this.direct.clear();
  }

  private invoke(
    caller: RouterSession,
    message: MessageOf<typeof MessageType.CALL>,
    options: CallRequest,
    registration: Registration,
    callee: Callee,
  ): void {
    const target = callee.session;
    const details = invocationDetails(
      caller,
      message.procedure,
      options.custom === undefined ? undefined : { ...options.custom },
      options.discloseMe,
      options.receiveProgress,
      options.timeout,
      registration,
      callee,
    );
    const calleeTimesOut = details.timeout !== undefined;
    const call = this.calls.open(caller, message.request, target, options.receiveProgress);
    // Forwarded untouched: the router never copies or re-encodes payloads it only routes.
    const invocation = carryPayload<MessageOf<typeof MessageType.INVOCATION>>(
      {
        type: MessageType.INVOCATION,
        request: call.invocationRequest,
        registration: registration.id,
        details,
      },
      message,
    );
    const outcome = target.send(invocation);
    if (outcome !== 'sent') {
      return this.calls.undeliverable(caller, MessageType.CALL, message.request, outcome, 'callee');
    }
    this.calls.track(call, calleeTimesOut ? 0 : options.timeout);
  }

  /** Router-provided procedures (meta API) answer at once, without a callee. */
  private callMeta(
    caller: RouterSession,
    message: MessageOf<typeof MessageType.CALL>,
    procedure: MetaProcedure,
  ): void {
    const { request } = message;
    try {
      const result = procedure(caller, message.args ?? [], message.kwargs ?? {});
      const outcome = caller.send({ type: MessageType.RESULT, request, details: {}, args: result });
      // A result that cannot reach the caller (too large, unserializable) still ends its call.
      if (outcome !== 'sent') this.calls.undeliverable(caller, MessageType.CALL, request, outcome, 'caller');
    } catch (error) {
      if (!(error instanceof WampError)) throw error;
      caller.refuse(
        MessageType.CALL,
        request,
        error.uri,
        typeof error.args[0] === 'string' ? error.args[0] : error.message,
      );
    }
  }

  private detach(session: RouterSession, registration: Registration): void {
    const deleted = this.table.removeCallee(registration, session);
    this.setup.events.unregistered(session, registration);
    if (deleted) this.setup.events.registrationDeleted(session, registration);
  }
}

/** Where a call goes: a registration and the callee picked among its callees. */
interface Route {
  readonly registration: Registration;
  readonly callee: Callee;
}

/** True for a callee whose session is on an in-process link (it may take calls directly). */
function onInProcessLink(callee: Callee): boolean {
  return callee.session.inProcess;
}

/**
 * INVOCATION Details of a call, for both paths (messages and `callDirect`), from its CALL
 * Options: `custom` (the custom attributes, a fresh object) becomes the Details, spec keys
 * follow; `timeout` only when the callee runs the timer itself. Arguments, not an options
 * object: `callDirect` makes no object per call it does not need.
 */
function invocationDetails(
  caller: RouterSession,
  procedure: string,
  custom: InvocationDetails | undefined,
  discloseMe: boolean,
  receiveProgress: boolean,
  timeout: number,
  registration: Registration,
  callee: Callee,
): InvocationDetails {
  const disclose = discloseMe || callee.discloseCaller;
  // spec: a callee that registered with forward_timeout (and announced call_timeout) runs
  // the timer itself and is told the timeout; otherwise the dealer runs it and tells nobody.
  const toldTimeout =
    timeout > 0 && callee.forwardTimeout && callee.session.supports('callee', 'call_timeout');
  // Custom attributes (`x_correlation_id`...) travel on untouched; spec keys follow. Without
  // any, a disclosed caller to an exact registration is the whole Details: the caller's one
  // frozen disclosure for a remote callee (its JSON written once), a literal for an in-process
  // one (whose handler gets the object itself).
  if (
    custom === undefined &&
    disclose &&
    registration.match === 'exact' &&
    !receiveProgress &&
    !toldTimeout
  ) {
    const shared = callee.session.inProcess ? undefined : caller.disclosure;
    return (shared as InvocationDetails | undefined) ?? disclosed(caller);
  }
  const details: InvocationDetails = custom ?? {};
  // spec: with a pattern registration the callee learns which procedure was called.
  if (registration.match !== 'exact') details.procedure = procedure;
  if (receiveProgress && callee.session.supports('callee', 'progressive_call_results'))
    details.receive_progress = true;
  if (disclose && details.caller === undefined) discloseCaller(details, caller);
  if (toldTimeout) details.timeout = timeout;
  return details;
}

/** spec: caller identification, as the INVOCATION Details of nothing else. */
function disclosed(caller: RouterSession): InvocationDetails {
  return { caller: caller.id, caller_authid: caller.authid, caller_authrole: caller.authrole };
}

/** spec: caller identification, in INVOCATION Details. */
function discloseCaller(details: InvocationDetails, caller: RouterSession): void {
  details.caller = caller.id;
  details.caller_authid = caller.authid;
  details.caller_authrole = caller.authrole;
}

/** Why `session` may not join `registration` with `invoke`, if it may not (spec: shared registration). */
function sharingProblem(
  registration: Registration,
  session: RouterSession,
  invoke: string,
): string | undefined {
  if (registration.invoke === 'single') {
    return `"${registration.uri}" is already registered (invoke "single" admits one callee)`;
  }
  if (registration.invoke !== invoke) {
    return `"${registration.uri}" is registered with invoke "${registration.invoke}"; "${invoke}" does not match`;
  }
  if (registration.callees.some((c) => c.session === session)) {
    return `this session has already registered "${registration.uri}"`;
  }
  return undefined;
}
