import { ErrorCode, WServiceErrorUri } from '../errors';
import { ErrorUri, WampError } from '../protocol/errors';
import type { CancelMode, Dict } from '../protocol/messages';

/** URIs for conditions that no WAMP message names; the client reports them on its typed errors. */
export const ClientErrorUri = {
  /** The transport closed without a GOODBYE: the network dropped or the router went away. */
  CONNECTION_LOST: WServiceErrorUri.CONNECTION_LOST,
  /** The operation needs a joined session and there is none (not yet joined, left, or closed). */
  NOT_CONNECTED: WServiceErrorUri.NOT_CONNECTED,
  /** The router did not answer HELLO in time. */
  JOIN_TIMEOUT: WServiceErrorUri.JOIN_TIMEOUT,
  /** The client could not answer a CHALLENGE (autobahn's ABORT reason for this case). */
  CANNOT_AUTHENTICATE: 'wamp.error.cannot_authenticate',
} as const;

/**
 * The session ended, or was never established, so the request cannot complete. `uri` says why:
 * the ABORT or GOODBYE reason (`wamp.error.authentication_failed`, `wamp.close.system_shutdown`,
 * `wamp.error.protocol_violation`...) or a `ClientErrorUri` (`wservice.error.connection_lost`).
 * Every call, registration and publication in flight fails with it when the session ends.
 */
export class SessionClosedError extends WampError {
  override readonly code: string = ErrorCode.SESSION_CLOSED;
  /** Details of the ABORT / GOODBYE that ended the session, if one did. */
  readonly details: Dict;

  constructor(uri: string, message?: string, details: Dict = {}, cause?: unknown) {
    super(uri, message === undefined ? [] : [message]);
    this.name = 'SessionClosedError';
    this.details = details;
    if (cause !== undefined) this.cause = cause;
  }
}

/**
 * The router did not announce a feature that the request needs, and leaving the option out
 * would change its meaning (a `prefix` registration would become an exact one). Nothing was sent.
 */
export class FeatureNotSupportedError extends WampError {
  override readonly code: string = ErrorCode.FEATURE_NOT_SUPPORTED;
  constructor(
    /** The router role that lacks the feature: `dealer` or `broker`. */
    readonly role: 'dealer' | 'broker',
    /** The WAMP feature name, e.g. `pattern_based_registration`. */
    readonly feature: string,
    /** The option that needs it, as the user wrote it, e.g. `match: 'prefix'`. */
    readonly option: string,
  ) {
    super(ErrorUri.FEATURE_NOT_SUPPORTED, [
      `the router's ${role} does not announce ${feature}, which ${option} needs`,
    ]);
    this.name = 'FeatureNotSupportedError';
  }
}

/** A call was canceled through its AbortSignal. `uri` is `wamp.error.canceled`, as a dealer would send. */
export class CallCanceledError extends WampError {
  override readonly code: string = ErrorCode.CALL_CANCELED;
  constructor(
    readonly procedure: string,
    readonly mode: CancelMode,
  ) {
    super(ErrorUri.CANCELED, [`call to ${procedure} canceled (${mode})`]);
    this.name = 'CallCanceledError';
  }
}

/** A call did not complete within its `timeout`. `uri` is `wamp.error.timeout`, as a dealer would send. */
export class CallTimeoutError extends WampError {
  override readonly code: string = ErrorCode.CALL_TIMEOUT;
  constructor(
    readonly procedure: string,
    /** The timeout in milliseconds. */
    readonly timeout: number,
  ) {
    super(ErrorUri.TIMEOUT, [`call to ${procedure} timed out after ${timeout} ms`]);
    this.name = 'CallTimeoutError';
  }
}

// How a handler's failure crosses the wire (the protocol layer's: the HTTP edges answer with it too).
export { wireErrorOf as handlerErrorToWire, type WireError } from '../protocol/errors';
