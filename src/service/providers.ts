import type { CallContext } from './context';
import type { EntrypointDefinition } from './definition';

/** One entrypoint call, as dependency providers see it (nameko's worker context). */
export interface WorkerContext {
  readonly service: string;
  readonly entrypoint: EntrypointDefinition;
  /** The arguments the method is called with, after binding. */
  readonly args: readonly unknown[];
  readonly call: CallContext;
  /** `performance.now()` when the worker started. */
  readonly startedAt: number;
  /** Room for providers to keep per-call state (a transaction, a span). */
  readonly data: Map<unknown, unknown>;
}

/**
 * A dependency with nameko's hooks around every entrypoint call of the services that list it
 * in `@Service(name, { providers: [...] })` (or of every service, via the runner). It is
 * created once per service instance by DI, so the service can also inject it.
 *
 * Worker hooks run in list order for setup and result, in reverse order for teardown; a hook
 * that throws is logged and does not fail the call. The lifecycle hooks (`start`, `stop`,
 * `kill`) are the ones every extension shares (`Extension`); each runs within its deadline
 * (`hookTimeouts.providerStart` / `providerStop`).
 */
export interface DependencyProvider {
  /**
   * After the service instance is created, before it joins the router. If it throws, the
   * providers started before it are stopped; it is not.
   */
  start?(): void | Promise<void>;
  /** After the service stopped taking work, before it leaves the router; also when a later start step failed. */
  stop?(): void | Promise<void>;
  /**
   * When the service is killed: release what it holds at once, without waiting for anything.
   * Without it, `stop` is called instead.
   */
  kill?(): void | Promise<void>;
  /** Before the entrypoint method runs. */
  workerSetup?(worker: WorkerContext): void | Promise<void>;
  /** After it returned (`result`) or threw (`error`). */
  workerResult?(worker: WorkerContext, result: unknown, error?: unknown): void | Promise<void>;
  /** Last, whatever happened. */
  workerTeardown?(worker: WorkerContext): void | Promise<void>;
}
