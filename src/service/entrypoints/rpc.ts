import type { InvocationContext } from '../../client/types';
import type { Registration } from '../../client/registration';
import { ErrorUri, WampError } from '../../protocol/errors';
import type { Args, Kwargs } from '../../protocol/messages';
import { newCorrelationId } from '../context';
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
    const signal =
      timeout === undefined
        ? context.signal
        : AbortSignal.any([context.signal, AbortSignal.timeout(timeout)]);
    const work = runWorker(this.host, this.definition, args, kwargs, {
      uri: context.procedure,
      caller: context.caller,
      callerAuthid: context.callerAuthid,
      callerAuthrole: context.callerAuthrole,
      correlationId: correlationFrom(context.details) ?? newCorrelationId(),
      signal,
      progress: context.progress,
    });
    return timeout === undefined ? work : withTimeout(work, signal, context.procedure, timeout);
  }
}

/** Fails with `wamp.error.timeout` when `signal` fires on the timeout before `work` settles. */
function withTimeout(
  work: Promise<unknown>,
  signal: AbortSignal,
  procedure: string,
  ms: number,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      if (signal.reason instanceof DOMException && signal.reason.name === 'TimeoutError') {
        reject(new WampError(ErrorUri.TIMEOUT, [`${procedure} did not finish within ${ms} ms`]));
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
