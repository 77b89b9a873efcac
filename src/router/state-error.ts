import { ErrorCode, WServiceError } from '../errors';

/** An operation the router's state does not allow: `listenOn` on a router stopping or stopped. */
export class RouterStateError extends WServiceError {
  readonly code = ErrorCode.ROUTER_STATE;

  constructor(message: string) {
    super(message);
    this.name = 'RouterStateError';
  }
}
