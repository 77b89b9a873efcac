import type { Logger } from '../logger';
import { ErrorUri, ProtocolError } from '../protocol/errors';
import { IdTable } from '../protocol/id-table';
import { IdSequence } from '../protocol/ids';
import type { DirectInvocationReply, DirectPending, DirectReply, DirectRun } from '../transport/inprocess';
import {
  MessageType,
  type Args,
  type CancelMode,
  type Dict,
  type Kwargs,
  type Id,
  type MessageOf,
  type ResultDetails,
} from '../protocol/messages';
import { carryPayload } from '../protocol/serializers/raw-payload';
import type { SendOutcome } from './limits';
import { MAX_TIMER_DELAY } from './options';
import { customAttributes, readCancelMode } from './request-options';
import type { RouterSession } from './router-session';
import { keepShape } from '../keep-shape';

/** A call in flight: an INVOCATION sent, its YIELD or ERROR not yet received. */
export interface PendingCall {
  readonly caller: RouterSession;
  readonly callRequest: Id;
  readonly callee: RouterSession;
  readonly invocationRequest: Id;
  /** The caller asked for progressive results (CALL Options `receive_progress`). */
  readonly receiveProgress: boolean;
}

/** What the tracker keeps of a call. */
interface Call extends PendingCall {
  /** The caller's and the callee's side of the index, so finishing a call looks nothing up. */
  readonly callerSide: SessionCalls;
  readonly calleeSide: SessionCalls;
  /** In the index: not finished yet. */
  inFlight: boolean;
  /** CANCEL `kill` was sent on: the caller waits for the callee's final answer. */
  killRequested: boolean;
  /** Only for calls with a timeout: no timer exists per call otherwise. */
  timer: NodeJS.Timeout | undefined;
}

/** One session's side of the calls in flight. */
class SessionCalls {
  /** Calls the session made, by CALL.Request. */
  readonly made = new IdTable<Call>();
  /** Invocations the session must answer, by INVOCATION.Request. */
  readonly answering = new IdTable<Call>();
  /** INVOCATION request ids are in the callee's session scope (spec): 1, 2, 3... per session. */
  private readonly invocationIds = new IdSequence();
  /** The last INVOCATION.Request sent; answers to later ids were never asked for. */
  private lastInvocation = 0;

  nextInvocationRequest(): Id {
    this.lastInvocation = this.invocationIds.next();
    return this.lastInvocation;
  }

  neverInvoked(request: Id): boolean {
    return request > this.lastInvocation;
  }
}

/**
 * Calls in flight: the one index of them, by session, and on each session's side by
 * CALL.Request (calls it made) and by INVOCATION.Request (calls it answers); it also numbers
 * each callee's INVOCATIONs. Implements results (final and progressive), callee errors,
 * CANCEL in its three modes, call timeouts, and either side leaving mid-call.
 */
export class CallTracker {
  /** Sessions with calls in flight, or that were sent an INVOCATION, until they leave. */
  private readonly sessions = new Map<RouterSession, SessionCalls>();
  private inFlight = 0;

  constructor(private readonly logger: Logger) {}

  /** Calls in flight now. */
  get size(): number {
    return this.inFlight;
  }

  /** The sessions the tracker holds state for: each until it leaves the realm. */
  heldSessions(): IterableIterator<RouterSession> {
    return this.sessions.keys();
  }

  /** True when `caller` has a call in flight with this CALL.Request. */
  isInFlight(caller: RouterSession, callRequest: Id): boolean {
    return this.sessions.get(caller)?.made.has(callRequest) === true;
  }

  /**
   * A call about to be invoked: it gets the callee's next INVOCATION.Request, and is in flight
   * once `track`ed (after its INVOCATION went out).
   */
  open(caller: RouterSession, callRequest: Id, callee: RouterSession, receiveProgress: boolean): PendingCall {
    const calleeSide = this.sideOf(callee);
    const call: Call = {
      caller,
      callRequest,
      callee,
      invocationRequest: calleeSide.nextInvocationRequest(),
      receiveProgress,
      callerSide: this.sideOf(caller),
      calleeSide,
      inFlight: false,
      killRequested: false,
      timer: undefined,
    };
    return call;
  }

  /** The call's INVOCATION went out; with `timeout` > 0 (ms) it ends then with `wamp.error.timeout`. */
  track(pending: PendingCall, timeout: number): void {
    const call = pending as Call;
    call.inFlight = true;
    this.inFlight++;
    call.callerSide.made.set(call.callRequest, call);
    call.calleeSide.answering.set(call.invocationRequest, call);
    // Node fires longer delays at once; a timeout of over 24 days is no timeout in practice.
    if (timeout > 0 && timeout <= MAX_TIMER_DELAY) {
      call.timer = setTimeout(() => this.timedOut(call, timeout), timeout);
    }
  }

  private timedOut(call: Call, timeout: number): void {
    call.timer = undefined;
    // A timer runs outside any transport callback: nothing it throws may reach the process.
    try {
      this.finish(call);
      this.logger.info({ session: call.caller.id, request: call.callRequest, timeout }, 'call timed out');
      call.caller.send(errorFor(call, ErrorUri.TIMEOUT, `no result within ${timeout} ms`));
      this.interrupt(call, 'killnowait', ErrorUri.TIMEOUT);
    } catch (error) {
      this.logger.error({ err: error }, 'internal error timing out a call');
    }
  }

  // [YIELD, INVOCATION.Request|id, Options|dict, Arguments|list?, ArgumentsKw|dict?]
  yielded(callee: RouterSession, message: MessageOf<typeof MessageType.YIELD>): void {
    const call = this.find(callee, message.request, 'YIELD');
    if (call === undefined) return;
    const progress = message.options.progress === true;
    if (progress && (!call.receiveProgress || call.killRequested)) {
      // spec: progressive results reach only callers that asked for them.
      this.logger.debug(
        { session: callee.id, request: message.request },
        'dropping a progressive result nobody asked for',
      );
      return;
    }
    if (!progress) this.finish(call);
    // Custom attributes of YIELD Options travel on to the RESULT, as those of CALL do.
    const details: ResultDetails = { ...customAttributes(message.options) };
    if (progress) details.progress = true;
    const outcome = call.caller.send(
      carryPayload<MessageOf<typeof MessageType.RESULT>>(
        { type: MessageType.RESULT, request: call.callRequest, details },
        message,
      ),
    );
    if (outcome === 'sent') return;
    if (progress) {
      // The call cannot continue without its caller seeing every part: end it.
      this.finish(call);
      this.interrupt(call, 'killnowait', ErrorUri.CANCELED);
    }
    this.undeliverable(call.caller, MessageType.CALL, call.callRequest, outcome, 'caller');
  }

  // [ERROR, INVOCATION, INVOCATION.Request|id, Details|dict, Error|uri, Arguments|list?, ArgumentsKw|dict?]
  failed(callee: RouterSession, message: MessageOf<typeof MessageType.ERROR>): void {
    const call = this.find(callee, message.request, 'ERROR');
    if (call === undefined) return;
    this.finish(call);
    const outcome = call.caller.send(
      carryPayload<MessageOf<typeof MessageType.ERROR>>(
        {
          type: MessageType.ERROR,
          requestType: MessageType.CALL,
          request: call.callRequest,
          details: message.details,
          error: message.error,
        },
        message,
      ),
    );
    if (outcome !== 'sent')
      this.undeliverable(call.caller, MessageType.CALL, call.callRequest, outcome, 'caller');
  }

  // [CANCEL, CALL.Request|id, Options|dict]
  cancel(caller: RouterSession, message: MessageOf<typeof MessageType.CANCEL>): void {
    const mode = readCancelMode(message.options.mode);
    const call = this.sessions.get(caller)?.made.get(message.request);
    // The call may have finished while the CANCEL travelled: nothing to do (spec).
    if (call === undefined || call.killRequested) return;
    // spec: a callee that did not announce call_canceling is treated as "skip".
    const effective = call.callee.supports('callee', 'call_canceling') ? mode : 'skip';
    if (effective === 'kill') {
      call.killRequested = true;
      this.interrupt(call, 'kill', ErrorUri.CANCELED);
      return;
    }
    this.finish(call);
    caller.send(errorFor(call, ErrorUri.CANCELED, 'the call was canceled'));
    if (effective === 'killnowait') this.interrupt(call, 'killnowait', ErrorUri.CANCELED);
  }

  /** `session` left the realm: calls it answers fail, calls it made are interrupted. */
  sessionLeft(session: RouterSession): void {
    const side = this.sessions.get(session);
    if (side === undefined) return;
    this.sessions.delete(session);
    // A link gone silent is named: the caller learns its callee vanished, not that it quit.
    const lost = session.linkLost;
    const text =
      lost === undefined
        ? 'the callee left before answering'
        : `the callee's link dropped before it answered (${lost}); the call may have run`;
    for (const call of side.answering.values()) {
      this.finish(call);
      call.caller.send(errorFor(call, ErrorUri.CANCELED, text));
    }
    for (const call of side.made.values()) {
      this.finish(call);
      this.interrupt(call, 'killnowait', ErrorUri.CANCELED);
    }
  }

  /**
   * An INVOCATION or RESULT could not reach `receiver`: the caller learns why, with ERROR
   * `payload_size_exceeded` (too large for that transport), `invalid_argument` (the
   * payload cannot be serialized for it) or `canceled` (it is gone).
   */
  undeliverable(
    caller: RouterSession,
    requestType: MessageType,
    request: Id,
    outcome: SendOutcome,
    receiver: 'caller' | 'callee',
  ): void {
    if (outcome === 'too_big') {
      caller.refuse(
        requestType,
        request,
        ErrorUri.PAYLOAD_SIZE_EXCEEDED,
        `the ${receiver === 'callee' ? 'call' : 'result'} is too large for the ${receiver}'s transport`,
      );
    } else if (outcome === 'unserializable') {
      caller.refuse(
        requestType,
        request,
        ErrorUri.INVALID_ARGUMENT,
        `the payload cannot be serialized for the ${receiver}`,
      );
    } else if (receiver === 'callee') {
      caller.refuse(requestType, request, ErrorUri.CANCELED, 'the callee went away');
    }
  }

  /** Ends every call in flight without telling anyone (router stop). */
  clear(): void {
    for (const side of this.sessions.values()) for (const call of side.made.values()) this.finish(call);
    this.sessions.clear();
  }

  /** INTERRUPT to the callee, when it announced call_canceling (spec); otherwise nothing. */
  private interrupt(call: Call, mode: CancelMode, reason: string): void {
    if (!call.callee.supports('callee', 'call_canceling')) return;
    call.callee.send({
      type: MessageType.INTERRUPT,
      request: call.invocationRequest,
      options: { mode, reason },
    });
  }

  private sideOf(session: RouterSession): SessionCalls {
    let side = this.sessions.get(session);
    if (side === undefined) this.sessions.set(session, (side = new SessionCalls()));
    return side;
  }

  /** The call is over: unindexed, its timer stopped. Late answers to it are dropped. */
  private finish(call: Call): void {
    if (!call.inFlight) return;
    call.inFlight = false;
    this.inFlight--;
    call.callerSide.made.delete(call.callRequest);
    call.calleeSide.answering.delete(call.invocationRequest);
    if (call.timer !== undefined) clearTimeout(call.timer);
    call.timer = undefined;
  }

  private find(callee: RouterSession, request: Id, what: string): Call | undefined {
    const side = this.sessions.get(callee);
    const call = side?.answering.get(request);
    if (call !== undefined) return call;
    // spec: a YIELD with an invalid INVOCATION.Request is a protocol error.
    if (side === undefined || side.neverInvoked(request)) {
      throw new ProtocolError(`${what} for INVOCATION.Request ${request}, which this session was never sent`);
    }
    // Late answers (after cancel, timeout or the caller leaving) are normal: drop quietly.
    this.logger.debug({ session: callee.id, request }, `dropping ${what} for no invocation in flight`);
    return undefined;
  }
}

function errorFor(call: PendingCall, uri: string, text: string): MessageOf<typeof MessageType.ERROR> {
  return {
    type: MessageType.ERROR,
    requestType: MessageType.CALL,
    request: call.callRequest,
    details: {},
    error: uri,
    args: [text],
  };
}

/**
 * A direct call (`Dealer.callDirect`): the callee's handler answers it as values. It passes
 * the answer on to the caller's reply once, and only while in flight; one answered later is
 * in `DirectCalls` meanwhile, so either side leaving ends it as a tracked call would end.
 */
export class DirectCall implements DirectInvocationReply, DirectPending {
  /** Answered, or ended (a side left, the router stopped): later answers are dropped. */
  done = false;
  /** The callee's pending run, once tracked. */
  run: DirectRun | undefined = undefined;
  /** Only for a call with a timeout the dealer runs (`DirectCalls.track`). */
  timer: NodeJS.Timeout | undefined = undefined;
  /** Canceled in mode `kill`: the caller waits for the callee's final answer. */
  private killRequested = false;

  constructor(
    private readonly calls: DirectCalls,
    readonly caller: RouterSession,
    readonly callee: RouterSession,
    private readonly reply: DirectReply,
    /** The caller asked for progressive results (CALL Options `receive_progress`). */
    private readonly receiveProgress: boolean,
  ) {}

  /** `CallTracker.yielded` with `progress`: only to a caller that asked, and not after kill. */
  progress(args: Args | undefined, kwargs: Kwargs | undefined): void {
    if (this.done || !this.receiveProgress || this.killRequested) return;
    this.callee.countDirect('in', MessageType.YIELD);
    this.caller.countDirect('out', MessageType.RESULT);
    this.reply.progress(args, kwargs);
  }

  result(args: Args | undefined, kwargs: Kwargs | undefined): void {
    if (this.answered()) this.reply.result(args, kwargs);
  }

  value(value: unknown): void {
    if (this.answered()) this.reply.value(value);
  }

  /** The callee's final result came: the call ends here, unless it was over already (false). */
  private answered(): boolean {
    if (this.done) return false;
    this.calls.finish(this);
    // The router's metrics count what the call stands for: YIELD in, RESULT out.
    this.callee.countDirect('in', MessageType.YIELD);
    this.caller.countDirect('out', MessageType.RESULT);
    return true;
  }

  error(uri: string, args: Args | undefined, kwargs: Kwargs | undefined, details: Dict): void {
    if (this.done) return;
    this.callee.countDirect('in', MessageType.ERROR);
    this.fail(uri, args, kwargs, details);
  }

  violation(problem: string): void {
    if (this.done) return;
    this.callee.protocolViolation(problem);
    // Leaving ended the call if it was tracked; one answered at once ends here the same way.
    this.canceled('the callee left before answering');
  }

  /**
   * The dealer's timer ran out (`CallTracker.timedOut`'s outcome): the caller's ERROR
   * `wamp.error.timeout`, and the callee's run interrupted (killnowait) when it can be told.
   */
  timedOut(timeout: number): void {
    const run = this.run;
    this.timer = undefined;
    if (this.done) return;
    this.caller.logger.info({ session: this.caller.id, timeout }, 'call timed out');
    this.fail(ErrorUri.TIMEOUT, [`no result within ${timeout} ms`], undefined, {});
    if (run !== undefined) this.interrupt(run, 'killnowait', ErrorUri.TIMEOUT);
  }

  /**
   * CANCEL (`CallTracker.cancel`'s outcome): a callee that did not announce call_canceling is
   * treated as `skip`; `kill` interrupts it and leaves the caller waiting for its answer;
   * `skip` and `killnowait` fail the caller's reply with `wamp.error.canceled` now, and
   * `killnowait` interrupts the callee too.
   */
  cancel(mode: CancelMode): void {
    // The call may have finished meanwhile: nothing to do (spec); a second CANCEL after kill neither.
    if (this.done || this.killRequested) return;
    this.caller.countDirect('in', MessageType.CANCEL);
    const run = this.run;
    const effective = this.callee.supports('callee', 'call_canceling') ? mode : 'skip';
    if (effective === 'kill') {
      this.killRequested = true;
      if (run !== undefined) this.interrupt(run, 'kill', ErrorUri.CANCELED);
      return;
    }
    this.fail(ErrorUri.CANCELED, ['the call was canceled'], undefined, {});
    if (effective === 'killnowait' && run !== undefined) this.interrupt(run, 'killnowait', ErrorUri.CANCELED);
  }

  /** INTERRUPT, as a call to the callee's run, when the callee announced call_canceling (spec). */
  interrupt(run: DirectRun, mode: 'kill' | 'killnowait', reason: string): void {
    if (!this.callee.supports('callee', 'call_canceling')) return;
    this.callee.countDirect('out', MessageType.INTERRUPT);
    run.interrupt(mode, reason);
  }

  /** The callee left: the caller's ERROR `wamp.error.canceled`, as the tracked path sends it. */
  canceled(text: string): void {
    if (!this.done) this.fail(ErrorUri.CANCELED, [text], undefined, {});
  }

  private fail(uri: string, args: Args | undefined, kwargs: Kwargs | undefined, details: Dict): void {
    this.calls.finish(this);
    this.caller.countDirect('out', MessageType.ERROR);
    this.reply.error(uri, args, kwargs, details);
  }
}

// Its map outlives a full GC taken while no call is in flight (see keepShape).
keepShape(
  new DirectCall(undefined as never, undefined as never, undefined as never, undefined as never, false),
);

/** Direct calls answered later, by caller and by callee session (`CallTracker`'s part for them). */
export class DirectCalls {
  private readonly bySession = new Map<RouterSession, Set<DirectCall>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  heldSessions(): IterableIterator<RouterSession> {
    return this.bySession.keys();
  }

  /** With `timeout` > 0 (ms) the call ends then with `wamp.error.timeout`, as a tracked call would. */
  track(call: DirectCall, run: DirectRun, timeout: number): void {
    call.run = run;
    this.count++;
    this.sideOf(call.caller).add(call);
    this.sideOf(call.callee).add(call);
    // Node fires longer delays at once; a timeout of over 24 days is no timeout in practice.
    if (timeout > 0 && timeout <= MAX_TIMER_DELAY) call.timer = setTimeout(timeOut, timeout, call, timeout);
  }

  /** The call is over: untracked (if it was), and nothing more passes. */
  finish(call: DirectCall): void {
    call.done = true;
    if (call.run === undefined) return;
    call.run = undefined;
    if (call.timer !== undefined) clearTimeout(call.timer);
    call.timer = undefined;
    this.count--;
    this.remove(call.caller, call);
    this.remove(call.callee, call);
  }

  /**
   * `session` left: calls it answers fail with `wamp.error.canceled` (the text the tracked
   * path gives), calls it made are interrupted (killnowait, when the callee can be told).
   */
  sessionLeft(session: RouterSession): void {
    const calls = this.bySession.get(session);
    if (calls === undefined) return;
    const lost = session.linkLost;
    const text =
      lost === undefined
        ? 'the callee left before answering'
        : `the callee's link dropped before it answered (${lost}); the call may have run`;
    for (const call of [...calls]) {
      const run = call.run;
      if (call.callee === session) {
        call.canceled(text);
        continue;
      }
      this.finish(call);
      if (run !== undefined) call.interrupt(run, 'killnowait', ErrorUri.CANCELED);
    }
    this.bySession.delete(session);
  }

  /** Ends every call without telling anyone (router stop). */
  clear(): void {
    for (const calls of this.bySession.values())
      for (const call of calls) {
        call.done = true;
        if (call.timer !== undefined) clearTimeout(call.timer);
        call.timer = undefined;
      }
    this.bySession.clear();
    this.count = 0;
  }

  private sideOf(session: RouterSession): Set<DirectCall> {
    let calls = this.bySession.get(session);
    if (calls === undefined) this.bySession.set(session, (calls = new Set()));
    return calls;
  }

  private remove(session: RouterSession, call: DirectCall): void {
    const calls = this.bySession.get(session);
    if (calls === undefined) return;
    calls.delete(call);
    if (calls.size === 0) this.bySession.delete(session);
  }
}

/** A direct call's timer: it runs outside any transport callback, so nothing it throws may reach the process. */
function timeOut(call: DirectCall, timeout: number): void {
  try {
    call.timedOut(timeout);
  } catch (error) {
    call.caller.logger.error({ err: error }, 'internal error timing out a call');
  }
}
