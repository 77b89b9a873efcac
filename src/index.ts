/**
 * wservice: a nameko-style microservice framework for TypeScript on WAMP.
 * This file is the public API; anything not exported here is internal.
 */
// Decorator metadata (design:paramtypes) needs the Reflect API before any service class loads.
import 'reflect-metadata';
export { WServiceError, ErrorCode, WServiceErrorUri } from './errors';
export { WampError, RemoteError, ProtocolError, ErrorUri } from './protocol/errors';
export { SerializationError } from './protocol/serializer';
export { TransportError, PayloadSizeError } from './transport/transport';
export type {
  Args,
  Kwargs,
  Dict,
  MatchPolicy,
  InvokePolicy,
  CancelMode,
  PublishOptions,
  CallOptions,
} from './protocol/messages';

// The WAMP client: sessions, reconnecting connections, `connect()` for scripts.
export {
  connect,
  Client,
  Connection,
  Session,
  Registration,
  Subscription,
  Result,
  CallResult,
  MessageHooks,
  RouterFeatures,
  SessionClosedError,
  FeatureNotSupportedError,
  CallCanceledError,
  CallTimeoutError,
  ClientErrorUri,
  callValue,
  parseRouterUrl,
  DEFAULT_ROUTER_URL,
  DEFAULT_REALM,
  DEFAULT_RECONNECT,
} from './client';
export type {
  ConnectOptions,
  ConnectionOptions,
  ConnectionEvents,
  ConnectionCloseInfo,
  ReconnectOptions,
  SessionOptions,
  SessionCloseInfo,
  SessionState,
  AuthOptions,
  AuthChallenge,
  ChallengeHandler,
  ClientCallOptions,
  ClientRegisterOptions,
  ClientSubscribeOptions,
  ClientPublishOptions,
  Publication,
  InvocationContext,
  ProcedureHandler,
  EventInfo,
  EventHandler,
  MessageHook,
  ServiceProxy,
  RouterAddress,
  TransportOptions,
  TransportFactory,
} from './client';

// The framework: services, entrypoints, dependencies, the runner.
export * from './service';
export type { ProxyCallOptions } from './client';
export { loadConfig, ConfigError, type WServiceConfig, type ConfigFlags } from './config';
export { createLogger, type Logger, type LogLevel } from './logger';
