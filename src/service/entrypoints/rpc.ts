import type { InvocationContext } from '../../client/types';
import type { Registration } from '../../client/registration';
import { ErrorUri, RemoteError, WampError } from '../../protocol/errors';
import type { Args, Kwargs } from '../../protocol/messages';
import type { RpcDefinition } from '../definition';
import { ServiceStateError } from '../runtime-errors';
import { isThenable } from '../../client/callee';
import type { CallOrigin, EntrypointWorkers } from '../worker';
import { correlationFrom, type Entrypoint, type EntrypointHost } from './entrypoint';
import { keepShape } from '../../keep-shape';

/**
 * `@Rpc`: a procedure shared by every instance of the service. On a dealer without
 * shared_registration (the Basic Profile) it is registered single instead: one instance
 * serves it, and a second fails to start with one line saying why.
 */
export class RpcEntrypoint implements Entrypoint {
  label: string;
  private registration?: Registration;
  private readonly workers: EntrypointWorkers;

  constructor(
    private readonly host: EntrypointHost,
    private readonly definition: RpcDefinition,
  ) {
    this.label = `rpc ${definition.uri}`;
    this.workers = host.workers(definition);
  }

  async start(): Promise<void> {
    const { match } = this.definition.options;
    const features = this.host.connection.session?.features;
    const shared = features?.has('dealer', 'shared_registration') ?? true;
    const invoke = shared ? this.definition.options.invoke : 'single';
    if (invoke !== this.definition.options.invoke) this.label += ' (single)';
    try {
      this.registration = await this.host.connection.register(
        this.definition.uri,
        (a, k, c) => this.invoke(a, k, c),
        { match, invoke, discloseCaller: true },
      );
    } catch (err) {
      if (shared || !(err instanceof RemoteError) || err.uri !== ErrorUri.PROCEDURE_ALREADY_EXISTS) throw err;
      throw new ServiceStateError(
        this.host.service,
        `${this.definition.uri} is registered already, and the router's dealer does not announce shared_registration: a second instance of ${this.host.service} cannot share it (stop the other one, or use a router with shared registration)`,
      );
    }
  }

  async stop(): Promise<void> {
    const registration = this.registration;
    this.registration = undefined;
    await registration?.unregister();
  }

  kill(): void {
    this.registration = undefined;
  }

  /** The worker's result as `EntrypointWorkers.run` gives it: a value when it ran to its end at once. */
  private invoke(args: Args, kwargs: Kwargs, context: InvocationContext): unknown {
    const timeout = this.definition.options.timeout;
    const { killSignal } = this.host;
    // The worker aborts when its caller cancels, its service is killed, or its timeout passes.
    const deadline =
      timeout === undefined
        ? undefined
        : new Deadline(AbortSignal.any([context.signal, killSignal]), timeout);
    const origin = new RpcOrigin(context, killSignal, deadline);
    if (deadline === undefined) return this.workers.run(args, kwargs, origin);
    let work: unknown;
    try {
      work = this.workers.run(args, kwargs, origin);
    } catch (err) {
      deadline.settled(undefined);
      throw err;
    }
    if (!isThenable(work)) return deadline.settled(work);
    return deadline.race(Promise.resolve(work), context.procedure);
  }
}

/** What an `@Rpc` worker knows of its invocation (`CallOrigin`), read from it when asked (its signal made then). */
class RpcOrigin implements CallOrigin {
  constructor(
    private readonly context: InvocationContext,
    private readonly killSignal: AbortSignal,
    private readonly deadline: Deadline | undefined,
  ) {}

  get uri(): string {
    return this.context.procedure;
  }
  get caller(): number | undefined {
    return this.context.caller;
  }
  get callerAuthid(): string | undefined {
    return this.context.callerAuthid;
  }
  get callerAuthrole(): string | undefined {
    return this.context.callerAuthrole;
  }
  get correlationId(): string | undefined {
    return correlationFrom(this.context.details);
  }
  get details(): InvocationContext['details'] {
    return this.context.details;
  }
  get progress(): InvocationContext['progress'] {
    return this.context.progress;
  }

  /** Read lazily (once, by the worker's call context): the client makes an invocation's AbortSignal only when asked for. */
  get signal(): AbortSignal {
    return this.deadline?.signal ?? AbortSignal.any([this.context.signal, this.killSignal]);
  }
}

// Its map outlives a full GC taken while no call is in flight (see keepShape).
keepShape(new RpcOrigin(undefined as never, undefined as never, undefined));

/**
 * An `@Rpc` timeout: a signal that aborts when the caller's does or when `ms` pass, and a race
 * that fails the call with `wamp.error.timeout` at that moment. The timer is cleared as soon
 * as the work settles.
 */
class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private expired?: () => void;

  constructor(
    parent: AbortSignal,
    private readonly ms: number,
  ) {
    this.timer = setTimeout(() => {
      this.controller.abort(new WampError(ErrorUri.TIMEOUT, ['timed out']));
      this.expired?.();
    }, ms);
    if (parent.aborted) this.controller.abort(parent.reason);
    else parent.addEventListener('abort', () => this.controller.abort(parent.reason), { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The work ended before the deadline could pass: no race, the timer goes. */
  settled(value: unknown): unknown {
    clearTimeout(this.timer);
    return value;
  }

  race(work: Promise<unknown>, procedure: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.expired = () =>
        reject(new WampError(ErrorUri.TIMEOUT, [`${procedure} did not finish within ${this.ms} ms`]));
      work.then(resolve, reject).finally(() => clearTimeout(this.timer));
    });
  }
}
