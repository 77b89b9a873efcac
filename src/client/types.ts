import type {
  Args,
  CancelMode,
  Dict,
  EventDetails,
  InvocationDetails,
  InvokePolicy,
  Kwargs,
  MatchPolicy,
  ResultDetails,
} from '../protocol/messages';
import type { Logger } from '../logger';
import type { SessionClosedError } from './errors';
import type { MessageHooks } from './hooks';
import type { JoinOptions } from './join';
import type { Registration } from './registration';
import type { Subscription } from './subscription';

/**
 * Positional and keyword results together. Return one from a procedure handler to send both;
 * any other return value `v` is sent as `[v]`, and `undefined` as no arguments.
 *
 * @example return new Result([total], { currency: 'EUR' });
 */
export class Result {
  constructor(
    readonly args: Args = [],
    readonly kwargs: Kwargs = {},
  ) {}
}

/** What a call returns: the RESULT's arguments (`[]` / `{}` when absent) and Details. */
export class CallResult extends Result {
  constructor(
    args: Args,
    kwargs: Kwargs,
    readonly details: ResultDetails,
  ) {
    super(args, kwargs);
  }
}

/** Options of `Session.call`. */
export interface ClientCallOptions {
  /**
   * Milliseconds until the call fails with `CallTimeoutError` (`wamp.error.timeout`). Enforced
   * here in any case, and also sent to the dealer when it announced `call_timeout`.
   */
  timeout?: number;
  /**
   * Receives progressive results. Asks for them (`receive_progress`) when the dealer announced
   * `progressive_call_results`; otherwise only the final result arrives.
   */
  onProgress?: (progress: CallResult) => void;
  /**
   * Cancels the call when aborted: it fails with `CallCanceledError` (`wamp.error.canceled`).
   * With a dealer that announced `call_canceling` a CANCEL is sent; without, the call fails
   * here at once and a late result is ignored.
   */
  signal?: AbortSignal;
  /**
   * How a cancel treats the callee (default `killnowait`): `skip` leaves it running, `kill`
   * interrupts it and waits for its answer, `killnowait` interrupts it and fails at once.
   */
  cancelMode?: CancelMode;
  /** Ask the dealer to tell the callee who calls (`disclose_me`); dropped if it lacks `caller_identification`. */
  discloseMe?: boolean;
  /**
   * More options, sent as they are: custom attributes (spec: keys like `_trace_id`) or a
   * router's own extensions. The options above win over keys of the same name.
   */
  custom?: Dict;
}

/** Options of `Session.register`. */
export interface ClientRegisterOptions {
  /** `exact` (default), `prefix` or `wildcard`; the last two need `pattern_based_registration`. */
  match?: MatchPolicy;
  /** How the dealer shares the procedure among callees; anything but `single` needs `shared_registration`. */
  invoke?: InvokePolicy;
  /** Ask the dealer to disclose callers to this callee (`disclose_caller`). */
  discloseCaller?: boolean;
  /**
   * More options, sent as they are: custom attributes (spec: keys like `_trace_id`) or a
   * router's own extensions. The options above win over keys of the same name.
   */
  custom?: Dict;
}

/** Options of `Session.subscribe`. */
export interface ClientSubscribeOptions {
  /** `exact` (default), `prefix` or `wildcard`; the last two need `pattern_based_subscription`. */
  match?: MatchPolicy;
  /**
   * More options, sent as they are: custom attributes (spec: keys like `_trace_id`) or a
   * router's own extensions. The options above win over keys of the same name.
   */
  custom?: Dict;
}

/** Options of `Session.publish`. The black/white lists need `subscriber_blackwhite_listing`. */
export interface ClientPublishOptions {
  /** Wait for the broker's PUBLISHED (or ERROR); without it, publish resolves once sent. */
  acknowledge?: boolean;
  /** False to receive one's own event (default true); false needs `publisher_exclusion`. */
  excludeMe?: boolean;
  /** Session ids that must not receive the event. */
  exclude?: number[];
  /** Only these session ids may receive the event. */
  eligible?: number[];
  excludeAuthid?: string[];
  eligibleAuthid?: string[];
  excludeAuthrole?: string[];
  eligibleAuthrole?: string[];
  /** Ask the broker to disclose the publisher to subscribers; dropped if it lacks `publisher_identification`. */
  discloseMe?: boolean;
  /**
   * More options, sent as they are: custom attributes (spec: keys like `_trace_id`) or a
   * router's own extensions. The options above win over keys of the same name.
   */
  custom?: Dict;
}

/** An acknowledged publication. */
export interface Publication {
  /** The publication id the broker assigned. */
  readonly id: number;
  readonly topic: string;
}

/** What a procedure handler learns about the invocation it serves. */
export interface InvocationContext {
  /** The concrete procedure called, also for pattern registrations. */
  readonly procedure: string;
  /** The registration this invocation came through. */
  readonly registration: Registration;
  /** The caller's session id, when disclosed. */
  readonly caller?: number;
  readonly callerAuthid?: string;
  readonly callerAuthrole?: string;
  /** Aborted when the caller cancels (INTERRUPT) or the session is lost. */
  readonly signal: AbortSignal;
  /** Sends a progressive result; present only when the caller asked for progress. */
  readonly progress?: (args?: Args, kwargs?: Kwargs) => void;
  /** The call's timeout in milliseconds, when the dealer forwarded one. */
  readonly timeout?: number;
  /** The INVOCATION Details as received. */
  readonly details: InvocationDetails;
}

/**
 * A procedure: receives the call's `args` (`[]` when none) and `kwargs` (`{}` when none) and
 * returns a value, a `Result`, or a promise of either. Throw a `WampError` to answer with its URI.
 */
export type ProcedureHandler = (args: Args, kwargs: Kwargs, context: InvocationContext) => unknown;

/** What an event handler learns about the event. */
export interface EventInfo {
  /** The concrete topic, also for pattern subscriptions. */
  readonly topic: string;
  /** The publication id. */
  readonly publication: number;
  /** The publisher's session id, when disclosed. */
  readonly publisher?: number;
  readonly publisherAuthid?: string;
  readonly publisherAuthrole?: string;
  /** The subscription the event came through. */
  readonly subscription: Subscription;
  /** The EVENT Details as received. */
  readonly details: EventDetails;
}

/** An event handler. A throw or rejection is logged and never ends the session. */
export type EventHandler = (args: Args, kwargs: Kwargs, event: EventInfo) => void | Promise<void>;

/**
 * Where a session is in its life: `new` until `join`, `joining` until WELCOME (`authenticating`
 * after a CHALLENGE), `established`, `leaving` once GOODBYE is sent, then `closed`.
 */
export type SessionState = 'new' | 'joining' | 'authenticating' | 'established' | 'leaving' | 'closed';

/** Options of a `Session`. */
export interface SessionOptions extends JoinOptions {
  /** Hooks to use instead of new ones, so they outlive the session (a `Connection` shares its own). */
  hooks?: MessageHooks;
  /** Defaults to `defaultLogger()`. */
  logger?: Logger;
  /** Milliseconds `leave` waits for the router's GOODBYE before closing anyway (default 5 000). */
  leaveTimeout?: number;
}

/** How a session ended. */
export interface SessionCloseInfo {
  /** The ABORT / GOODBYE reason, or a `ClientErrorUri` (`wservice.error.connection_lost`). */
  readonly reason: string;
  /** Who ended it: this client (leave, protocol violation), the router, or the transport. */
  readonly by: 'client' | 'router' | 'transport';
  /** The error pending requests failed with. */
  readonly error: SessionClosedError;
}
