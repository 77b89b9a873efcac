import { performance } from 'node:perf_hooks';
import { inject, injectable } from 'tsyringe';
import { markReported, type Logger } from '../logger';
import { WampError } from '../protocol/errors';
import type { DependencyProvider, WorkerContext } from './providers';
import { LOGGER } from './tokens';

/**
 * The built-in dependency provider that logs every entrypoint call once it ends: what ran,
 * how long it took, how it ended, and the correlation id. Successful calls log at `debug`;
 * a `WampError` the service meant to send at `info`, with its URI and no stack (an expected
 * outcome); anything else at `error` with its stack, once (the layers below do not log it again).
 */
@injectable()
export class CallLogger implements DependencyProvider {
  constructor(@inject(LOGGER) private readonly logger: Logger) {}

  workerResult(worker: WorkerContext, _result: unknown, error?: unknown): void {
    // The common case costs nothing when debug lines are not wanted.
    if (error === undefined && !this.logger.isLevelEnabled('debug')) return;
    const { entrypoint, call } = worker;
    const fields = {
      entrypoint: entrypoint.kind,
      method: entrypoint.method,
      uri: call.uri,
      correlationId: call.correlationId,
      caller: call.callerAuthid,
      ms: Math.round((performance.now() - worker.startedAt) * 100) / 100,
    };
    if (error === undefined) {
      this.logger.debug(
        { ...fields, outcome: 'ok' },
        `${entrypoint.kind} ${call.uri ?? entrypoint.method} ok`,
      );
    } else if (error instanceof WampError) {
      markReported(error);
      this.logger.info(
        { ...fields, outcome: error.uri },
        `${entrypoint.kind} ${call.uri ?? entrypoint.method} failed: ${error.message}`,
      );
    } else {
      markReported(error);
      this.logger.error(
        { ...fields, outcome: 'exception', err: error },
        `${entrypoint.kind} ${call.uri ?? entrypoint.method} threw`,
      );
    }
  }
}
