import type { InvocationContext } from '../../client/types';
import type { Registration } from '../../client/registration';
import { ErrorUri, WampError } from '../../protocol/errors';
import type { Args, Kwargs } from '../../protocol/messages';
import type { RpcDefinition } from '../definition';
import { runWorker } from '../worker';
import { correlationFrom, type Entrypoint, type EntrypointHost } from './entrypoint';

/** `@Rpc`: a procedure shared by every instance of the service. */
export class RpcEntrypoint implements Entrypoint {
  readonly label: string;
  private registration?: Registration;

  constructor(
    private readonly host: EntrypointHost,
    private readonly definition: RpcDefinition,
  ) {
    this.label = `rpc ${definition.uri}`;
  }

  async start(): Promise<void> {
    const { match, invoke } = this.definition.options;
    this.registration = await this.host.connection.register(
      this.definition.uri,
      (a, k, c) => this.invoke(a, k, c),
      {
        match,
        invoke,
        discloseCaller: true,
      },
    );
  }

  async stop(): Promise<void> {
    const registration = this.registration;
    this.registration = undefined;
    await registration?.unregister();
  }

  private invoke(args: Args, kwargs: Kwargs, context: InvocationContext): Promise<unknown> {
    const timeout = this.definition.options.timeout;
    const deadline = timeout === undefined ? undefined : new Deadline(context.signal, timeout);
    const work = runWorker(this.host, this.definition, args, kwargs, {
      uri: context.procedure,
      caller: context.caller,
      callerAuthid: context.callerAuthid,
      callerAuthrole: context.callerAuthrole,
      correlationId: correlationFrom(context.details),
      // Read lazily: the client makes an invocation's AbortSignal only when it is asked for.
      signal: deadline?.signal ?? (() => context.signal),
      progress: context.progress,
    });
    return deadline === undefined ? work : deadline.race(work, context.procedure);
  }
}

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

  race(work: Promise<unknown>, procedure: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.expired = () =>
        reject(new WampError(ErrorUri.TIMEOUT, [`${procedure} did not finish within ${this.ms} ms`]));
      work.then(resolve, reject).finally(() => clearTimeout(this.timer));
    });
  }
}
