import { ErrorCode, WServiceError } from '../errors';

/**
 * An operation the service's lifecycle state does not allow (`instance` before start,
 * `replace` after it, a second `start`), and the reason in-flight work is aborted with
 * when its service stops or is killed. `service` names it.
 */
export class ServiceStateError extends WServiceError {
  readonly code = ErrorCode.SERVICE_STATE;

  constructor(
    readonly service: string,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceStateError';
  }
}

/** No service of that name runs in the runner, or the service has no such entrypoint. */
export class ServiceLookupError extends WServiceError {
  readonly code = ErrorCode.SERVICE_LOOKUP;

  constructor(message: string) {
    super(message);
    this.name = 'ServiceLookupError';
  }
}

/** A `ServiceRunner` option that cannot work (`instances: 0`...); the message names the option. */
export class ServiceOptionsError extends WServiceError {
  readonly code = ErrorCode.SERVICE_OPTIONS;

  constructor(message: string) {
    super(message);
    this.name = 'ServiceOptionsError';
  }
}

/**
 * A lifecycle hook of a service instance did not finish within its deadline (`hookTimeouts`):
 * a start fails with it; a stop logs it and goes on. Names the service, the hook and the time.
 */
export class HookTimeoutError extends WServiceError {
  readonly code = ErrorCode.HOOK_TIMEOUT;

  constructor(
    readonly service: string,
    readonly hook: string,
    readonly timeoutMs: number,
  ) {
    super(`service ${service}: ${hook} did not finish within ${timeoutMs} ms`);
    this.name = 'HookTimeoutError';
  }
}
