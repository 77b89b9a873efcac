import type { Args, InvocationDetails, Kwargs } from '../protocol/messages';
import type { Registration } from './registration';
import type { InvocationContext } from './types';
import { keepShape } from '../keep-shape';

/**
 * An invocation whose handler has not settled, and the context its handler gets.
 *
 * A class rather than an object literal, so the lazy `signal` getter lives on the prototype:
 * its AbortSignal is made on first read, because most handlers never look at it and an
 * AbortSignal costs more to create than the rest of an invocation's bookkeeping. Aborted
 * before anyone read it, it is made already aborted, with the same reason.
 */
export class RunningInvocation implements InvocationContext {
  readonly procedure: string;
  readonly caller?: number;
  readonly callerAuthid?: string;
  readonly callerAuthrole?: string;
  readonly timeout?: number;
  /** An INTERRUPT came: whatever the handler ends with, the answer is `wamp.error.canceled`. */
  interrupted = false;
  // Private to the runtime too: a handler sees its context's documented fields only.
  #controller?: AbortController;
  #aborted = false;
  #reason: unknown;

  constructor(
    readonly registration: Registration,
    readonly details: InvocationDetails,
    readonly progress: ((args?: Args, kwargs?: Kwargs) => void) | undefined,
  ) {
    this.procedure = details.procedure ?? registration.procedure;
    this.caller = details.caller;
    this.callerAuthid = details.caller_authid;
    this.callerAuthrole = details.caller_authrole;
    this.timeout = details.timeout;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Aborts the signal (made or not yet made) with `reason`; later calls change nothing. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}

// Its map outlives a full GC taken while no call is in flight (see keepShape).
keepShape(new RunningInvocation({ procedure: '' } as Registration, {}, undefined));
