import { wasReported } from '../logger';
import { ErrorUri, ProtocolError, WampError } from '../protocol/errors';
import { IdTable } from '../protocol/id-table';
import {
  MessageType,
  type Args,
  type Interrupt,
  type Invocation,
  type Kwargs,
  type Message,
  type Payload,
  type RegisterOptions,
  type Registered,
  type Unregistered,
} from '../protocol/messages';
import { CallCanceledError, SessionClosedError, handlerErrorToWire } from './errors';
import { DEFAULT_CANCEL_MODE } from './caller';
import { PendingRequests } from './pending';
import type { Registration } from './registration';
import type { ErrorTable, MessageTable, Role, SessionLink } from './role';
import { RunningInvocation } from './running-invocation';
import { Result, type ClientRegisterOptions, type InvocationContext } from './types';
import type { DirectInvocationReply, DirectRun } from '../transport/inprocess';
import { decode, encode } from '../protocol/codec';
import type { InvocationDetails } from '../protocol/messages';

/** A direct invocation (`DirectSide.invoke`) whose handler returned a promise. */
class PendingDirect implements DirectRun {
  /** Answered, or dropped (the session ended): nothing more is sent. */
  done = false;

  constructor(
    readonly invocation: RunningInvocation,
    readonly reply: DirectInvocationReply,
  ) {}

  interrupt(mode: 'kill' | 'killnowait'): void {
    const invocation = this.invocation;
    if (this.done || invocation.interrupted) return;
    invocation.interrupted = true;
    invocation.abort(new CallCanceledError(invocation.procedure, mode));
  }
}

/** Arguments a list and ArgumentsKw a dict (or absent): what a YIELD can carry as values. */
function isPayloadShape(args: unknown, kwargs: unknown): boolean {
  return (
    (args === undefined || Array.isArray(args)) &&
    (kwargs === undefined || (typeof kwargs === 'object' && kwargs !== null && !Array.isArray(kwargs)))
  );
}

/** True for a promise or any object with a `then` method (what `await` adopts). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** How a handler's return value travels: `undefined` as nothing, a `Result` as is, `v` as `[v]`. */
export function returnValueToPayload(value: unknown): Payload {
  if (value === undefined) return {};
  if (value instanceof Result) return { args: value.args, kwargs: value.kwargs };
  return { args: [value] };
}

// [ERROR, INVOCATION, INVOCATION.Request|id, Details|dict, Error|uri, Arguments|list?, ArgumentsKw|dict?]
function failureReply(request: number, error: unknown): Message {
  const { uri, args, kwargs } = handlerErrorToWire(error);
  return {
    type: MessageType.ERROR,
    requestType: MessageType.INVOCATION,
    request,
    details: {},
    error: uri,
    args,
    kwargs,
  };
}

/** The callee role: REGISTER / UNREGISTER, running invocations, progress and interrupts. */
export class Callee implements Role {
  /** Held registrations by id; one being unregistered stays until UNREGISTERED, and is still served. */
  private readonly registrations = new Map<number, Registration>();
  /** The registration `invokeDirect` found last (`registrationOf`). */
  private lastInvoked: Registration | undefined = undefined;
  private readonly registering = new PendingRequests<Registration>('REGISTER');
  private readonly unregistering = new PendingRequests<Registration>('UNREGISTER');
  /** Invocations whose handler has not settled, by INVOCATION request id. */
  private readonly running = new IdTable<RunningInvocation>();
  /** Direct invocations whose handler has not settled. */
  private readonly runningDirect = new Set<PendingDirect>();

  readonly messages: MessageTable = {
    [MessageType.REGISTERED]: (m) => this.onRegistered(m),
    [MessageType.UNREGISTERED]: (m) => this.onUnregistered(m),
    [MessageType.INVOCATION]: (m) => this.onInvocation(m),
    [MessageType.INTERRUPT]: (m) => this.onInterrupt(m),
  };

  readonly errors: ErrorTable = {
    [MessageType.REGISTER]: (m) => this.registering.rejectWithError(m),
    [MessageType.UNREGISTER]: (m) => this.unregistering.rejectWithError(m),
  };

  constructor(private readonly link: SessionLink) {}

  /** Registers `registration` with the dealer; resolves once REGISTERED arrived. */
  register(registration: Registration): Promise<void> {
    try {
      this.link.assertOpen();
      const options = this.wireOptions(registration.options);
      const request = this.link.nextId();
      const { procedure } = registration;
      return this.registering.send(request, registration, () =>
        this.link.send({ type: MessageType.REGISTER, request, options, procedure }),
      );
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  /** Unregisters; resolves at once when this session does not hold it (any more). */
  unregister(registration: Registration): Promise<void> {
    if (this.registrations.get(registration.id) !== registration) return Promise.resolve();
    try {
      const request = this.link.nextId();
      const registrationId = registration.id;
      return this.unregistering.send(request, registration, () =>
        this.link.send({ type: MessageType.UNREGISTER, request, registration: registrationId }),
      );
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  close(error: Error): void {
    this.registering.rejectAll(error);
    // The router drops a session's registrations with it: an UNREGISTER in flight has its way.
    this.unregistering.resolveAll();
    for (const registration of this.registrations.values()) registration.deactivate();
    this.registrations.clear();
    this.lastInvoked = undefined;
    // Nobody is left to answer: handlers learn through their signal, their results are dropped.
    const running = this.running.values();
    this.running.clear();
    for (const invocation of running) invocation.abort(error);
    const direct = [...this.runningDirect];
    this.runningDirect.clear();
    for (const run of direct) {
      run.done = true;
      run.invocation.abort(error);
    }
  }

  /**
   * Runs an invocation the dealer hands over directly (no INVOCATION, YIELD or ERROR message):
   * the same handler, context and answers as `onInvocation`, to `reply`. False when this
   * session does not hold `registrationId` (the dealer sends the INVOCATION instead); the
   * pending run when the handler returned a promise; undefined when `reply` was answered.
   */
  invokeDirect(
    registrationId: number,
    details: InvocationDetails,
    args: Args | undefined,
    kwargs: Kwargs | undefined,
    reply: DirectInvocationReply,
  ): false | DirectRun | undefined {
    const registration = this.registrationOf(registrationId);
    if (registration === undefined) return false;
    // With progress asked for, the run exists from the start: its progress ends with its answer.
    let running: PendingDirect | undefined;
    const progress =
      details.receive_progress === true
        ? (a?: Args, k?: Kwargs) => {
            if (running !== undefined) this.directProgress(running, a, k);
          }
        : undefined;
    const invocation = new RunningInvocation(registration, details, progress);
    if (progress !== undefined) running = new PendingDirect(invocation, reply);
    let value: unknown;
    try {
      value = registration.handler(args ?? [], kwargs ?? {}, invocation);
    } catch (err) {
      if (running !== undefined) running.done = true;
      this.directFailure(reply, invocation, err);
      return undefined;
    }
    if (!isThenable(value)) {
      if (running !== undefined) running.done = true;
      this.directSuccess(reply, value);
      return undefined;
    }
    const run = running ?? new PendingDirect(invocation, reply);
    this.runningDirect.add(run);
    Promise.resolve(value).then(
      (result) => this.settleDirect(run, result, false),
      (err: unknown) => this.settleDirect(run, err, true),
    );
    return run;
  }

  /**
   * The registration held under `id`; the one found last is kept (a service's calls go to the
   * same procedure in a row), forgotten when any registration comes or goes.
   */
  private registrationOf(id: number): Registration | undefined {
    const last = this.lastInvoked;
    if (last !== undefined && last.id === id) return last;
    const registration = this.registrations.get(id);
    this.lastInvoked = registration;
    return registration;
  }

  private settleDirect(run: PendingDirect, outcome: unknown, failed: boolean): void {
    // Done when the session ended meanwhile: there is nobody to answer.
    if (run.done) return;
    run.done = true;
    this.runningDirect.delete(run);
    const { invocation, reply } = run;
    if (invocation.interrupted) this.directFailure(reply, invocation, new WampError(ErrorUri.CANCELED), true);
    else if (failed) this.directFailure(reply, invocation, outcome);
    else this.directSuccess(reply, outcome);
  }

  /**
   * `sendProgress`, as a direct reply: nothing after the answer or an interrupt; a payload a
   * YIELD cannot carry throws as `encode` throws on the message path, or ends the session as the
   * router's decoder would.
   */
  private directProgress(run: PendingDirect, args: Args | undefined, kwargs: Kwargs | undefined): void {
    if (run.done || run.invocation.interrupted) return;
    if (isPayloadShape(args, kwargs)) return run.reply.progress(args, kwargs);
    const frame = encode({ type: MessageType.YIELD, request: 1, options: { progress: true }, args, kwargs });
    try {
      decode(frame);
    } catch (err) {
      return run.reply.violation(err instanceof Error ? err.message : String(err));
    }
    run.reply.violation('YIELD carries no WAMP payload');
  }

  /** `success` then `answer`, as a direct reply. */
  private directSuccess(reply: DirectInvocationReply, value: unknown): void {
    if (value === undefined) return reply.result(undefined, undefined);
    if (!(value instanceof Result)) return reply.value(value);
    const { args, kwargs } = value;
    if (isPayloadShape(args, kwargs)) return reply.result(args, kwargs);
    // A YIELD the router would refuse: the same protocol violation, in the decoder's words.
    const message: Message = { type: MessageType.YIELD, request: 1, options: {}, args, kwargs };
    try {
      decode(encode(message));
    } catch (err) {
      return reply.violation(err instanceof Error ? err.message : String(err));
    }
    reply.violation('YIELD carries no WAMP payload');
  }

  /** `failure` as a direct reply. */
  private directFailure(
    reply: DirectInvocationReply,
    context: InvocationContext,
    err: unknown,
    quiet = false,
  ): void {
    if (!quiet && !(err instanceof WampError) && !wasReported(err))
      this.link.logger.error({ err, procedure: context.procedure }, 'procedure failed');
    const { uri, args, kwargs } = handlerErrorToWire(err);
    reply.error(uri, args, kwargs, {});
  }

  /** REGISTER options; a pattern or a shared policy the dealer lacks fails rather than vanish. */
  private wireOptions(options: ClientRegisterOptions): RegisterOptions {
    const dealer = this.link.router;
    const wire: RegisterOptions = { ...options.custom };
    if (options.match !== undefined && options.match !== 'exact') {
      dealer.require('dealer', 'pattern_based_registration', `match: '${options.match}'`);
      wire.match = options.match;
    }
    if (options.invoke !== undefined && options.invoke !== 'single') {
      dealer.require('dealer', 'shared_registration', `invoke: '${options.invoke}'`);
      wire.invoke = options.invoke;
    }
    if (options.discloseCaller && dealer.has('dealer', 'caller_identification')) wire.disclose_caller = true;
    return wire;
  }

  // [REGISTERED, REGISTER.Request|id, Registration|id]
  private onRegistered(message: Registered): void {
    const pending = this.registering.take(message.request, 'REGISTERED');
    this.registrations.set(message.registration, pending.context);
    this.lastInvoked = undefined;
    pending.context.activate(message.registration);
    pending.resolve();
  }

  // [UNREGISTERED, UNREGISTER.Request|id, Details|dict?]; request 0 and Details.registration
  // when the router revokes a registration (spec: registration revocation).
  private onUnregistered(message: Unregistered): void {
    if (message.request === 0) return this.revoke(message);
    const pending = this.unregistering.take(message.request, 'UNREGISTERED');
    this.forget(pending.context);
    pending.resolve();
  }

  private revoke(message: Unregistered): void {
    const id = message.details?.registration;
    const registration = typeof id === 'number' ? this.registrations.get(id) : undefined;
    if (registration === undefined) {
      throw new ProtocolError(
        `UNREGISTERED revokes registration ${String(id)}, which this session does not hold`,
        {
          messageName: 'UNREGISTERED',
        },
      );
    }
    this.link.logger.info(
      { procedure: registration.procedure, reason: message.details?.reason },
      'registration revoked',
    );
    this.forget(registration);
  }

  private forget(registration: Registration): void {
    this.registrations.delete(registration.id);
    this.lastInvoked = undefined;
    registration.deactivate();
  }

  // [INVOCATION, Request|id, REGISTERED.Registration|id, Details|dict, CALL.Arguments|list?, CALL.ArgumentsKw|dict?]
  private onInvocation(message: Invocation): void {
    const registration = this.registrations.get(message.registration);
    if (registration === undefined) {
      throw new ProtocolError(
        `INVOCATION for registration id ${message.registration}, which this session does not hold`,
        { messageName: 'INVOCATION' },
      );
    }
    const { request, details } = message;
    const progress = details.receive_progress
      ? (args?: Args, kwargs?: Kwargs) => this.sendProgress(request, args, kwargs)
      : undefined;
    const invocation = new RunningInvocation(registration, details, progress);
    this.running.set(request, invocation);
    this.run(message, registration, invocation);
  }

  /**
   * Runs the handler. A plain return value is answered at once; a promise (or any thenable)
   * when it settles. Either way the reply is the same; the synchronous path only spares a
   * microtask per invocation.
   */
  private run(message: Invocation, registration: Registration, context: InvocationContext): void {
    const request = message.request;
    let value: unknown;
    try {
      value = registration.handler(message.args ?? [], message.kwargs ?? {}, context);
    } catch (err) {
      return this.settle(request, context, this.failure(request, context, err));
    }
    if (!isThenable(value)) return this.settle(request, context, this.success(request, value));
    Promise.resolve(value).then(
      (result) => this.settle(request, context, this.success(request, result)),
      (err: unknown) => this.settle(request, context, this.failure(request, context, err)),
    );
  }

  // [YIELD, INVOCATION.Request|id, Options|dict, Arguments|list?, ArgumentsKw|dict?]
  private success(request: number, value: unknown): Message {
    // returnValueToPayload, without the object it makes.
    if (value === undefined) return { type: MessageType.YIELD, request, options: {} };
    if (value instanceof Result) {
      return { type: MessageType.YIELD, request, options: {}, args: value.args, kwargs: value.kwargs };
    }
    return { type: MessageType.YIELD, request, options: {}, args: [value] };
  }

  private failure(request: number, context: InvocationContext, err: unknown): Message {
    // An application's WampError is an answer, not a fault; an error the service layer has
    // logged already is not logged twice.
    if (!(err instanceof WampError) && !wasReported(err))
      this.link.logger.error({ err, procedure: context.procedure }, 'procedure failed');
    return failureReply(request, err);
  }

  /** Sends the handler's answer, unless the session ended meanwhile or an INTERRUPT came. */
  private settle(request: number, context: InvocationContext, reply: Message): void {
    const invocation = this.running.get(request);
    // Gone when the session ended meanwhile: there is nobody to answer.
    if (invocation === undefined) return;
    this.running.delete(request);
    if (invocation.interrupted) reply = failureReply(request, new WampError(ErrorUri.CANCELED));
    this.answer(reply, context.procedure);
  }

  /** Sends YIELD or ERROR; a result that cannot be sent (size, serialization) becomes an ERROR. */
  private answer(reply: Message, procedure: string): void {
    try {
      this.link.send(reply);
    } catch (err) {
      if (err instanceof SessionClosedError) return;
      this.link.logger.warn({ err, procedure }, 'the result of a procedure could not be sent');
      const request = (reply as { request: number }).request;
      this.trySend(failureReply(request, err));
    }
  }

  private trySend(message: Message): void {
    try {
      this.link.send(message);
    } catch (err) {
      this.link.logger.debug({ err }, 'reply not sent');
    }
  }

  // [YIELD, INVOCATION.Request|id, Options|dict {progress: true}, Arguments|list?, ArgumentsKw|dict?]
  private sendProgress(request: number, args?: Args, kwargs?: Kwargs): void {
    const invocation = this.running.get(request);
    // After the final answer or an interrupt, progress has nowhere to go.
    if (invocation === undefined || invocation.interrupted) return;
    this.link.send({ type: MessageType.YIELD, request, options: { progress: true }, args, kwargs });
  }

  // [INTERRUPT, INVOCATION.Request|id, Options|dict]
  private onInterrupt(message: Interrupt): void {
    const invocation = this.running.get(message.request);
    // spec: the callee may have answered already; an INTERRUPT for it is not an error.
    if (invocation === undefined || invocation.interrupted) return;
    invocation.interrupted = true;
    const mode = message.options.mode ?? DEFAULT_CANCEL_MODE;
    invocation.abort(new CallCanceledError(invocation.procedure, mode));
  }
}
