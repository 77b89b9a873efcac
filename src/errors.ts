/**
 * The catalogue of what wservice raises, in one place (as fastify's `lib/errors.js` and ws's
 * `WS_ERR_*` codes): the stable `code` of every local error class, the `wservice.error.*`
 * URIs that cross the wire, and the one base class. docs/errors.md is its table for users.
 * A leaf module: every layer may import it.
 */

/**
 * The stable `code` of each error class: match on it (or on `instanceof`), never on the
 * message. `TransportError` is the one exception: its `code` names the cause (see there).
 */
export const ErrorCode = {
  /** `WampError`: an error with a WAMP URI, thrown by a handler or the framework. */
  WAMP: 'WSERVICE_ERR_WAMP',
  /** `RemoteError`: the other side answered a request with ERROR. */
  REMOTE: 'WSERVICE_ERR_REMOTE',
  /** `SessionClosedError`: the session ended (or never joined), so the request cannot complete. */
  SESSION_CLOSED: 'WSERVICE_ERR_SESSION_CLOSED',
  /** `FeatureNotSupportedError`: the router lacks a feature the request needs; nothing was sent. */
  FEATURE_NOT_SUPPORTED: 'WSERVICE_ERR_FEATURE_NOT_SUPPORTED',
  /** `CallCanceledError`: a call was canceled through its AbortSignal. */
  CALL_CANCELED: 'WSERVICE_ERR_CALL_CANCELED',
  /** `CallTimeoutError`: a call did not complete within its `timeout`. */
  CALL_TIMEOUT: 'WSERVICE_ERR_CALL_TIMEOUT',
  /** `ProtocolError`: a peer broke the WAMP protocol. */
  PROTOCOL: 'WSERVICE_ERR_PROTOCOL',
  /** `SerializationError`: a value a serializer cannot carry. */
  SERIALIZATION: 'WSERVICE_ERR_SERIALIZATION',
  /** `PayloadSizeError`: a frame larger than the transport allows. */
  PAYLOAD_SIZE: 'WSERVICE_ERR_PAYLOAD_SIZE',
  /** `TransportError` without a more precise cause. */
  TRANSPORT: 'WSERVICE_ERR_TRANSPORT',
  /** `ConfigError`: a mistake in a configuration file or the environment. */
  CONFIG: 'WSERVICE_ERR_CONFIG',
  /** `RouterOptionsError`: a router option missing, of the wrong type or out of range. */
  ROUTER_OPTIONS: 'WSERVICE_ERR_ROUTER_OPTIONS',
  /** `RouterStateError`: an operation the router's state does not allow (`listenOn` once it stops). */
  ROUTER_STATE: 'WSERVICE_ERR_ROUTER_STATE',
  /** `ServiceDefinitionError`: a mistake in a service class (decorators, names, options). */
  SERVICE_DEFINITION: 'WSERVICE_ERR_SERVICE_DEFINITION',
  /** `ServiceOptionsError`: a `ServiceRunner` option that cannot work. */
  SERVICE_OPTIONS: 'WSERVICE_ERR_SERVICE_OPTIONS',
  /** `ServiceStateError`: an operation the service's lifecycle state does not allow. */
  SERVICE_STATE: 'WSERVICE_ERR_SERVICE_STATE',
  /** `ServiceLookupError`: no such service in the runner, or no such entrypoint in the service. */
  SERVICE_LOOKUP: 'WSERVICE_ERR_SERVICE_LOOKUP',
  /** `HookTimeoutError`: a lifecycle hook of a service (onStart, a provider's start...) passed its deadline. */
  HOOK_TIMEOUT: 'WSERVICE_ERR_HOOK_TIMEOUT',
  /** The `wservice` command: `wservice new` cannot create the project. */
  SCAFFOLD: 'WSERVICE_ERR_SCAFFOLD',
  /** The `wservice` command: no `@Service` class in the paths given. */
  NO_SERVICES: 'WSERVICE_ERR_NO_SERVICES',
  /** The `wservice` command: a service file threw while loading. */
  SERVICE_LOAD: 'WSERVICE_ERR_SERVICE_LOAD',
  /** The `wservice` command: a TypeScript file does not compile. */
  COMPILE: 'WSERVICE_ERR_COMPILE',
  /** The `wservice` command: the router given cannot be joined. */
  ROUTER_UNREACHABLE: 'WSERVICE_ERR_ROUTER_UNREACHABLE',
} as const;

/** One of the stable codes of `ErrorCode`. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * The URIs wservice itself sends or reports, beside the WAMP spec's `wamp.error.*`
 * (`ErrorUri`). Every `wservice.error.*` string of the code base is defined here.
 */
export const WServiceErrorUri = {
  /** ERROR for a handler's error that is not a `WampError`: args `[message]`, kwargs `{name, message}`. */
  APPLICATION: 'wservice.error.application',
  /** ABORT when a bug of the router's ends a session (logged with its stack). */
  INTERNAL: 'wservice.error.internal_error',
  /** ABORT for a HELLO beyond the router's `maxSessions`. */
  TOO_MANY_SESSIONS: 'wservice.error.too_many_sessions',
  /** ABORT for a HELLO while the router is over its buffer budget (`limits.maxBufferedBytes`): retry later. */
  ROUTER_OVERLOADED: 'wservice.error.router_overloaded',
  /** ABORT for a peer that did not finish the opening handshake within `handshakeTimeout`. */
  HANDSHAKE_TIMEOUT: 'wservice.error.handshake_timeout',
  /** ERROR when a service instance has `maxQueued` calls waiting: retry later or add instances. */
  OVERLOADED: 'wservice.error.overloaded',
  /** ERROR when a service instance is stopping and takes no new calls. */
  UNAVAILABLE: 'wservice.error.unavailable',
  /** HTTP (`@Http`, the router's bridge): no route for the request's path (404). */
  NOT_FOUND: 'wservice.error.not_found',
  /** HTTP: the path has routes, none for the request's method (405, with `Allow`). */
  METHOD_NOT_ALLOWED: 'wservice.error.method_not_allowed',
  /** Client side: the transport closed without a GOODBYE (network dropped, router gone). */
  CONNECTION_LOST: 'wservice.error.connection_lost',
  /** Client side: the operation needs a joined session and there is none. */
  NOT_CONNECTED: 'wservice.error.not_connected',
  /** Client side: the router did not answer HELLO in time. */
  JOIN_TIMEOUT: 'wservice.error.join_timeout',
} as const;

/**
 * The base of every error class wservice defines, so one `instanceof WServiceError` tells
 * wservice's errors from everything else; `code` says which one it is.
 *
 * @example
 * ```ts
 * try {
 *   await runner.start();
 * } catch (err) {
 *   if (err instanceof WServiceError && err.code === ErrorCode.SERVICE_DEFINITION) console.error(err.message);
 *   else throw err;
 * }
 * ```
 */
export abstract class WServiceError extends Error {
  /** Stable across versions: one of `ErrorCode` (a `TransportError` may name its cause instead). */
  abstract readonly code: string;
}
