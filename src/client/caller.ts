import { RemoteError } from '../protocol/errors';
import { IdTable } from '../protocol/id-table';
import { reviveRemoteError } from './remote-error-classes';
import {
  MessageType,
  type Args,
  type CallOptions,
  type CancelMode,
  type ErrorMessage,
  type Kwargs,
  type Result as ResultMessage,
} from '../protocol/messages';
import { CallCanceledError, CallTimeoutError } from './errors';
import { unknownRequest } from './pending';
import type { ErrorTable, MessageTable, Role, SessionLink } from './role';
import { isSingleValue, valueOfResult } from './proxy';
import { CallResult, type ClientCallOptions } from './types';
import { NO_CALL_OPTIONS, type DirectPending, type DirectReply } from '../transport/inprocess';
import type { Dict } from '../protocol/messages';
import { keepShape } from '../keep-shape';

/** The cancel mode when the caller names none: the callee is told, the caller does not wait. */
export const DEFAULT_CANCEL_MODE: CancelMode = 'killnowait';

interface PendingCall {
  readonly procedure: string;
  /** Resolve with the result's value (`valueOfResult`) rather than a `CallResult`. */
  readonly asValue: boolean;
  resolve(result: unknown): void;
  reject(error: Error): void;
  readonly onProgress?: (progress: CallResult) => void;
  timer?: NodeJS.Timeout;
  signal?: AbortSignal;
  onAbort?: () => void;
  /**
   * The caller's promise already failed (timeout, cancel) but the dealer has not answered yet;
   * its late RESULT or ERROR is read and ignored, so it is not mistaken for an unknown request.
   */
  abandoned: boolean;
}

/**
 * The caller's end of a direct call (no CALL or RESULT message, see `DirectSide`): it settles
 * the caller's one promise as the RESULT or ERROR would have.
 */
class DirectCall implements DirectReply {
  /** Answered, or failed with the session: later answers are dropped. */
  settled = false;
  /** In the caller's table of direct calls answered later. */
  tracked = false;
  /** The caller's own timer, when the call has a timeout (as a `PendingCall`'s). */
  timer: NodeJS.Timeout | undefined = undefined;
  /** The signal canceling the call, listened to (`handleEvent`) while the dealer has the call. */
  signal: AbortSignal | undefined = undefined;
  /** The dealer's side of the call answered later, and the mode to cancel it in. */
  pending: DirectPending | undefined = undefined;
  mode: CancelMode = DEFAULT_CANCEL_MODE;
  /** The caller's progress callback, when it asked for progress. */
  onProgress: ((progress: CallResult) => void) | undefined = undefined;
  /** Failed by the caller itself (timeout, cancel, session closed): progress is dropped. */
  abandoned = false;

  constructor(
    private readonly caller: Caller,
    readonly procedure: string,
    readonly request: number,
    private readonly asValue: boolean,
    private readonly resolve: (value: unknown) => void,
    readonly reject: (error: Error) => void,
  ) {}

  result(args: Args | undefined, kwargs: Kwargs | undefined): void {
    if (this.settled) return;
    this.settle();
    // `valueOfResult` with the RESULT's empty Details, made only for a `CallResult`.
    if (this.asValue && isSingleValue(args, kwargs)) this.resolve(args?.[0]);
    else this.resolve(new CallResult(args ?? [], kwargs ?? {}, {}));
  }

  value(value: unknown): void {
    if (this.settled) return;
    this.settle();
    this.resolve(this.asValue ? value : new CallResult([value], {}, {}));
  }

  /**
   * A progressive result, as `Caller.onResult` delivers one: in a microtask, as a RESULT would
   * arrive (never inside the call that made it), and before the final result's promise reaction.
   */
  progress(args: Args | undefined, kwargs: Kwargs | undefined): void {
    const onProgress = this.onProgress;
    if (this.settled || onProgress === undefined) return;
    queueMicrotask(() => {
      if (!this.abandoned)
        this.caller.deliverProgress(
          onProgress,
          this.procedure,
          new CallResult(args ?? [], kwargs ?? {}, { progress: true }),
        );
    });
  }

  error(uri: string, args: Args | undefined, kwargs: Kwargs | undefined, details: Dict): void {
    if (this.settled) return;
    this.settle();
    const error = new RemoteError(uri, args, kwargs, details, {
      procedure: this.procedure,
      requestId: this.request,
    });
    this.reject(reviveRemoteError(error));
  }

  /** The caller's timer ran out first: `CallTimeoutError`, as `Caller.timeOut` fails a call. */
  timedOut(timeout: number): void {
    this.timer = undefined;
    if (this.settled) return;
    this.settle();
    this.abandoned = true;
    this.reject(new CallTimeoutError(this.procedure, timeout));
  }

  /**
   * The signal aborted (an event listener object: no closure per call): `Caller.cancel` on
   * the dealer's side of the call. Except with `kill`, the caller fails now with
   * `CallCanceledError` and the dealer's answer is dropped; with `kill` it waits for it.
   */
  handleEvent(): void {
    const pending = this.pending;
    if (this.settled || pending === undefined) return;
    const mode = this.mode;
    if (mode !== 'kill') {
      this.settle();
      this.abandoned = true;
      this.reject(new CallCanceledError(this.procedure, mode));
    }
    pending.cancel(mode);
  }

  /** No answer passes any more; out of the caller's table, its timer stopped. */
  settle(): void {
    this.settled = true;
    this.caller.directSettled(this);
    this.drop();
  }

  /** Its timer stopped and its signal no longer listened to. */
  drop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.signal !== undefined) this.signal.removeEventListener('abort', this);
    this.signal = undefined;
  }
}

// Its map outlives a full GC taken while no call is in flight (see keepShape).
keepShape(
  new DirectCall(
    undefined as never,
    '',
    1,
    false,
    () => undefined,
    () => undefined,
  ),
);

function directTimeOut(call: DirectCall, timeout: number): void {
  call.timedOut(timeout);
}

/** The caller role: CALL, progressive results, timeouts and cancellation. */
export class Caller implements Role {
  private readonly calls = new IdTable<PendingCall>();
  /** Direct calls the dealer answers later (an async callee), by CALL.Request. */
  private readonly directCalls = new IdTable<DirectCall>();
  /** Calls that went directly (`DirectSide`), for tests that check the path is taken. */
  directCount = 0;

  readonly messages: MessageTable = {
    [MessageType.RESULT]: (m) => this.onResult(m),
  };

  readonly errors: ErrorTable = {
    [MessageType.CALL]: (m) => this.onError(m),
  };

  constructor(private readonly link: SessionLink) {}

  call(
    procedure: string,
    args: Args | undefined,
    kwargs: Kwargs | undefined,
    options: ClientCallOptions,
  ): Promise<CallResult> {
    return this.start(procedure, args, kwargs, options, false) as Promise<CallResult>;
  }

  /**
   * `call`, resolving with what `callValue` makes of the result (a proxy's value): no
   * `CallResult` when there is a single argument or none, and no second promise to map it.
   */
  callForValue(
    procedure: string,
    args: Args | undefined,
    kwargs: Kwargs | undefined,
    options: ClientCallOptions,
  ): Promise<unknown> {
    return this.start(procedure, args, kwargs, options, true);
  }

  private start(
    procedure: string,
    args: Args | undefined,
    kwargs: Kwargs | undefined,
    options: ClientCallOptions,
    asValue: boolean,
  ): Promise<unknown> {
    // A throw in the executor rejects the promise: call never throws synchronously.
    return new Promise<unknown>((resolve, reject) => {
      this.link.assertOpen();
      const { timeout, signal } = options;
      if (timeout !== undefined && !(Number.isFinite(timeout) && timeout >= 0)) {
        throw new RangeError(`call timeout must be a number of milliseconds >= 0, got ${timeout}`);
      }
      const mode = options.cancelMode ?? DEFAULT_CANCEL_MODE;
      if (signal?.aborted) throw new CallCanceledError(procedure, mode);

      const request = this.link.nextId();
      const wireOptions = this.wireOptions(options);
      // Progress the dealer passes on, a timeout it runs too (as it would the CALL's), a
      // signal it can cancel on: the call may skip the messages (`DirectSide`).
      if (
        (options.onProgress === undefined || wireOptions.receive_progress === true) &&
        (!timeout || wireOptions.timeout !== undefined) &&
        (signal === undefined || this.link.router.has('dealer', 'call_canceling'))
      ) {
        const dealer = this.link.direct?.();
        if (dealer?.call !== undefined) {
          const direct = new DirectCall(this, procedure, request, asValue, resolve, reject);
          direct.onProgress = options.onProgress;
          // Before the dealer's own timer, as the CALL's timer is: the caller's fires first.
          if (timeout) direct.timer = setTimeout(directTimeOut, timeout, direct, timeout);
          const outcome = dealer.call(procedure, wireOptions, args, kwargs, direct);
          if (outcome !== false) {
            this.directCount++;
            if (outcome !== 'done' && !direct.settled) {
              direct.tracked = true;
              this.directCalls.set(request, direct);
              if (signal !== undefined) {
                direct.pending = outcome;
                direct.mode = mode;
                direct.signal = signal;
                signal.addEventListener('abort', direct, { once: true });
                // Aborted while the handler ran (in this stack): no event will come.
                if (signal.aborted) direct.handleEvent();
              }
            }
            return;
          }
          if (direct.timer !== undefined) clearTimeout(direct.timer);
        }
      }
      const call: PendingCall = {
        procedure,
        asValue,
        resolve,
        reject,
        onProgress: options.onProgress,
        abandoned: false,
      };
      this.calls.set(request, call);
      try {
        // A CALL's Options are its own (message hooks may change them): never the frozen ones.
        const callOptions = wireOptions === NO_CALL_OPTIONS ? {} : wireOptions;
        this.link.send({ type: MessageType.CALL, request, options: callOptions, procedure, args, kwargs });
      } catch (err) {
        this.calls.delete(request);
        throw err;
      }
      // spec: timeout 0 means no timeout. The only timer a call gets, and only when asked.
      if (timeout) call.timer = setTimeout(() => this.timeOut(request, call, timeout), timeout);
      if (signal !== undefined) {
        call.signal = signal;
        call.onAbort = () => this.cancel(request, call, mode);
        signal.addEventListener('abort', call.onAbort, { once: true });
      }
    });
  }

  /** @internal A direct call was answered. */
  directSettled(call: DirectCall): void {
    if (call.tracked) this.directCalls.delete(call.request);
  }

  close(error: Error): void {
    const direct = this.directCalls.values();
    this.directCalls.clear();
    for (const call of direct) {
      call.settled = true;
      call.abandoned = true;
      call.drop();
      call.reject(error);
    }
    const calls = this.calls.values();
    this.calls.clear();
    for (const call of calls) {
      if (call.abandoned) continue;
      this.detach(call);
      call.reject(error);
    }
  }

  /**
   * Options the dealer may see: each advanced one only when the dealer announced it (spec).
   * Without any option that would go on the wire, the frozen empty ones (`NO_CALL_OPTIONS`):
   * none to make, none for the dealer to read.
   */
  private wireOptions(options: ClientCallOptions): CallOptions {
    if (options.custom === undefined && !options.timeout && !options.onProgress && !options.discloseMe)
      return NO_CALL_OPTIONS;
    const dealer = this.link.router;
    const wire: CallOptions = options.custom === undefined ? {} : { ...options.custom };
    if (options.timeout && dealer.has('dealer', 'call_timeout')) wire.timeout = options.timeout;
    if (options.onProgress && dealer.has('dealer', 'progressive_call_results')) wire.receive_progress = true;
    if (options.discloseMe && dealer.has('dealer', 'caller_identification')) wire.disclose_me = true;
    return wire;
  }

  // [RESULT, CALL.Request|id, Details|dict, YIELD.Arguments|list?, YIELD.ArgumentsKw|dict?]
  private onResult(message: ResultMessage): void {
    const call = this.pending(message.request, 'RESULT');
    const { args, kwargs, details } = message;
    if (details.progress === true) {
      // Lenient: progress nobody asked for, or for an abandoned call, is dropped.
      if (!call.abandoned && call.onProgress)
        this.deliverProgress(
          call.onProgress,
          call.procedure,
          new CallResult(args ?? [], kwargs ?? {}, details),
        );
      return;
    }
    this.calls.delete(message.request);
    if (call.abandoned) return;
    this.detach(call);
    call.resolve(
      call.asValue ? valueOfResult(args, kwargs, details) : new CallResult(args ?? [], kwargs ?? {}, details),
    );
  }

  // [ERROR, CALL, CALL.Request|id, Details|dict, Error|uri, Arguments|list?, ArgumentsKw|dict?]
  private onError(message: ErrorMessage): void {
    const call = this.pending(message.request, 'ERROR');
    this.calls.delete(message.request);
    if (call.abandoned) return;
    this.detach(call);
    const error = new RemoteError(message.error, message.args, message.kwargs, message.details, {
      procedure: call.procedure,
      requestId: message.request,
    });
    call.reject(reviveRemoteError(error));
  }

  private pending(request: number, reply: string): PendingCall {
    const call = this.calls.get(request);
    if (call === undefined) throw unknownRequest(reply, request, 'CALL');
    return call;
  }

  /** @internal Calls `onProgress`; what it throws is logged, not passed on. */
  deliverProgress(onProgress: (progress: CallResult) => void, procedure: string, progress: CallResult): void {
    try {
      onProgress(progress);
    } catch (err) {
      this.link.logger.warn({ err, procedure }, 'onProgress threw; ignored');
    }
  }

  private cancel(request: number, call: PendingCall, mode: CancelMode): void {
    if (this.link.router.has('dealer', 'call_canceling')) {
      this.sendCancel(request, mode);
      // spec: with kill the dealer answers (ERROR wamp.error.canceled) once the callee stopped.
      if (mode === 'kill') return;
    }
    // Without call_canceling nothing may be sent: fail here and ignore the late answer.
    this.abandon(call, new CallCanceledError(call.procedure, mode));
  }

  private timeOut(request: number, call: PendingCall, timeout: number): void {
    call.timer = undefined;
    this.abandon(call, new CallTimeoutError(call.procedure, timeout));
    // A dealer enforcing call_timeout stops the callee itself; otherwise ask it to, if it can.
    const dealer = this.link.router;
    if (!dealer.has('dealer', 'call_timeout') && dealer.has('dealer', 'call_canceling')) {
      this.sendCancel(request, 'killnowait');
    }
  }

  private sendCancel(request: number, mode: CancelMode): void {
    try {
      this.link.send({ type: MessageType.CANCEL, request, options: { mode } });
    } catch (err) {
      // The session is closing: every pending call fails with the session anyway.
      this.link.logger.debug({ err, request }, 'CANCEL not sent');
    }
  }

  private abandon(call: PendingCall, error: Error): void {
    this.detach(call);
    call.abandoned = true;
    call.reject(error);
  }

  private detach(call: PendingCall): void {
    if (call.timer !== undefined) clearTimeout(call.timer);
    if (call.onAbort !== undefined) call.signal?.removeEventListener('abort', call.onAbort);
    call.timer = undefined;
    call.onAbort = undefined;
  }
}
