import { ErrorCode, WServiceError, WServiceErrorUri } from '../errors';
import type { Args, Kwargs, Payload } from './messages';

/**
 * Error and close-reason URIs defined by the WAMP spec, plus the one a handler's error
 * becomes. wservice's own URIs are all in `WServiceErrorUri`.
 */
export const ErrorUri = {
  INVALID_URI: 'wamp.error.invalid_uri',
  NO_SUCH_PROCEDURE: 'wamp.error.no_such_procedure',
  PROCEDURE_ALREADY_EXISTS: 'wamp.error.procedure_already_exists',
  NO_SUCH_REGISTRATION: 'wamp.error.no_such_registration',
  NO_SUCH_SUBSCRIPTION: 'wamp.error.no_such_subscription',
  NO_SUCH_SESSION: 'wamp.error.no_such_session',
  INVALID_ARGUMENT: 'wamp.error.invalid_argument',
  NOT_AUTHORIZED: 'wamp.error.not_authorized',
  AUTHORIZATION_FAILED: 'wamp.error.authorization_failed',
  AUTHENTICATION_FAILED: 'wamp.error.authentication_failed',
  NO_AUTH_METHOD: 'wamp.error.no_auth_method',
  NO_SUCH_REALM: 'wamp.error.no_such_realm',
  NO_SUCH_ROLE: 'wamp.error.no_such_role',
  CANCELED: 'wamp.error.canceled',
  TIMEOUT: 'wamp.error.timeout',
  NO_ELIGIBLE_CALLEE: 'wamp.error.no_eligible_callee',
  OPTION_NOT_ALLOWED: 'wamp.error.option_not_allowed',
  PROTOCOL_VIOLATION: 'wamp.error.protocol_violation',
  PAYLOAD_SIZE_EXCEEDED: 'wamp.error.payload_size_exceeded',
  FEATURE_NOT_SUPPORTED: 'wamp.error.feature_not_supported',
  SYSTEM_SHUTDOWN: 'wamp.close.system_shutdown',
  CLOSE_REALM: 'wamp.close.close_realm',
  CLOSE_NORMAL: 'wamp.close.normal',
  GOODBYE_AND_OUT: 'wamp.close.goodbye_and_out',
  KILLED: 'wamp.close.killed',
  /**
   * What a handler's non-WampError becomes on the wire: args `[message]`, kwargs `{name, message}`.
   * Stable, so callers can match on it; never carries a stack trace.
   */
  APPLICATION_ERROR: WServiceErrorUri.APPLICATION,
} as const;

/**
 * An error that crosses the wire with its URI. Throw it from a procedure handler to send
 * ERROR `uri` with `args` / `kwargs`.
 *
 * @example throw new WampError('shop.error.out_of_stock', ['sku-1'], { available: 0 });
 */
export class WampError extends WServiceError {
  readonly code: string = ErrorCode.WAMP;
  readonly uri: string;
  readonly args: Args;
  readonly kwargs: Kwargs;

  constructor(uri: string, args?: Args | string, kwargs?: Kwargs) {
    const argList = typeof args === 'string' ? [args] : (args ?? []);
    super(WampError.describe(uri, argList));
    this.name = 'WampError';
    this.uri = uri;
    this.args = argList;
    this.kwargs = kwargs ?? {};
  }

  private static describe(uri: string, args: Args): string {
    return typeof args[0] === 'string' ? `${uri}: ${args[0]}` : uri;
  }
}

/**
 * What a caller receives when the other side answered with ERROR. It is a `WampError`, so a
 * handler that lets it propagate sends the same URI on: errors keep their URI across hops.
 */
export class RemoteError extends WampError {
  override readonly code: string = ErrorCode.REMOTE;
  /** The ERROR message's Details. */
  readonly details: Record<string, unknown>;
  /** The procedure (or topic) the failed request named, when the error answers one. */
  readonly procedure?: string;
  /** The failed request's id (`CALL.Request`...), when the error answers one. */
  readonly requestId?: number;

  constructor(
    uri: string,
    args?: Args,
    kwargs?: Kwargs,
    details?: Record<string, unknown>,
    request?: { procedure?: string; requestId?: number },
  ) {
    super(uri, args, kwargs);
    this.name = 'RemoteError';
    this.details = details ?? {};
    if (request?.procedure !== undefined) this.procedure = request.procedure;
    if (request?.requestId !== undefined) this.requestId = request.requestId;
  }
}

/** The ERROR a handler's failure becomes on the wire. */
export interface WireError extends Payload {
  uri: string;
}

/**
 * How a handler's failure crosses the wire: a `WampError` (a `RemoteError` from a nested call
 * too) keeps its URI, args and kwargs; anything else becomes `wservice.error.application` with
 * args `[message]` and kwargs `{name, message}`. Never a stack trace.
 */
export function wireErrorOf(error: unknown): WireError {
  if (error instanceof WampError) return { uri: error.uri, args: error.args, kwargs: error.kwargs };
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const kwargs: Kwargs = { name, message };
  return { uri: ErrorUri.APPLICATION_ERROR, args: [message], kwargs };
}

/**
 * A peer broke the protocol: a message of the wrong shape, an unknown code, a message not
 * allowed in the session's state. The receiving side answers with ABORT
 * `wamp.error.protocol_violation` carrying `message` and closes.
 */
export class ProtocolError extends WServiceError {
  readonly code = ErrorCode.PROTOCOL;
  /** The WAMP message name involved (`CALL`, `UNKNOWN(99)`), when known. */
  readonly messageName?: string;
  /** The field that failed validation (`Request|id`), when known. */
  readonly field?: string;
  /** The URI to send in ABORT; `wamp.error.protocol_violation` unless a narrower one applies. */
  readonly uri: string;

  constructor(message: string, options: { messageName?: string; field?: string; uri?: string } = {}) {
    super(message);
    this.name = 'ProtocolError';
    this.messageName = options.messageName;
    this.field = options.field;
    this.uri = options.uri ?? ErrorUri.PROTOCOL_VIOLATION;
  }
}
