import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Context } from '@opentelemetry/api';
import type { Args, Kwargs } from '../protocol/messages';

/** What is known about the entrypoint call being run, wherever in its async work you are. */
export interface CallContext {
  /** The service running the call. */
  readonly service: string;
  /** `rpc`, `subscribe`, `timer` or `http`. */
  readonly kind: 'rpc' | 'subscribe' | 'timer' | 'http';
  /** The method of the service class. */
  readonly method: string;
  /** The concrete procedure (rpc), topic (subscribe) or request path (http) of this call. */
  readonly uri?: string;
  /** The caller's or publisher's session id, when the router disclosed it. */
  readonly caller?: number;
  readonly callerAuthid?: string;
  readonly callerAuthrole?: string;
  /** Follows the call chain from service to service; new at the first hop. */
  readonly correlationId: string;
  /** Aborts when the caller cancels, the call times out, or the service stops hard. */
  readonly signal: AbortSignal;
  /**
   * Sends a progressive result to the caller; present only when the caller asked for them.
   * An `@Rpc` async generator does this for every value it yields.
   */
  readonly progress?: (args?: Args, kwargs?: Kwargs) => void;
  /**
   * The OpenTelemetry context of this call, with its span, when the runner traces
   * (`tracing` option): the parent for spans of your own, `tracer.startSpan(name, {}, trace)`.
   */
  readonly trace?: Context;
}

/**
 * Node 20 implements AsyncLocalStorage with async hooks: once a store has been entered, every
 * promise in the process pays a hook on creation and on each reaction (about 2 µs per call of
 * an in-process service). So the store is entered only for workers that await (async methods,
 * async generators, asynchronous provider hooks); a synchronous worker's context is `current`
 * while it runs, which costs one assignment. Every entry restores what it replaced before it
 * returns, so `current` is never left set across a tick.
 */
const storage = new AsyncLocalStorage<CallContext>();
let current: CallContext | undefined;

/** The context of the entrypoint call running now, or undefined outside one. */
export function currentContext(): CallContext | undefined {
  return current ?? storage.getStore();
}

/** Runs `fn` with `context` as the current call context, in its awaits too (AsyncLocalStorage). */
export function runInContext<T>(context: CallContext, fn: () => T): T {
  const outer = current;
  current = undefined;
  try {
    return storage.run(context, fn);
  } finally {
    current = outer;
  }
}

/**
 * Runs `fn` with `context` as the current call context while `fn` runs, and only then:
 * callbacks it schedules do not see it. For workers known to be synchronous.
 */
export function runInSyncContext<A, B, T>(context: CallContext, fn: (a: A, b: B) => T, a: A, b: B): T {
  const outer = current;
  current = context;
  try {
    return fn(a, b);
  } finally {
    current = outer;
  }
}

/** A new correlation id. */
export function newCorrelationId(): string {
  return randomUUID();
}
