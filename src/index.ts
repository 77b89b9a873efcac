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
  Message,
} from './protocol/messages';
// What message hooks narrow on: `if (msg.type === MessageType.CALL) msg.procedure`.
export { MessageType } from './protocol/messages';

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
  MessageHookOptions,
  ServiceProxy,
  RouterAddress,
  TransportOptions,
  TransportFactory,
} from './client';

// The framework: services, entrypoints, dependencies, the runner. What users write against
// (README, docs/, examples/, templates/), by name; internals such as `readServiceDefinition`
// or the container's constructor are imported by path where needed.
export { Service, Rpc, Subscribe, Timer, Http, Inject, Injectable, Singleton } from './service/decorators';
export type { HttpServerOptions } from './service/http/server';
export { rpcProxy } from './service/proxy';
export { EventDispatcher, type DispatchOptions } from './service/events';
export {
  ServiceRunner,
  type ServiceRunnerOptions,
  type ServiceSpec,
  type PerServiceOptions,
} from './service/runner';
// What `runner.container(name)` returns: users read it (`instance`, `state`), never construct it.
export type {
  ServiceContainer,
  ServiceOverrides,
  ContainerState,
  OnStart,
  OnStop,
} from './service/container';
export { currentContext, type CallContext } from './service/context';
export type { DependencyProvider, WorkerContext } from './service/providers';
export { CallLogger } from './service/call-logger';
export { RemoteErrorClass } from './client/remote-error-classes';
export {
  ServiceStateError,
  ServiceLookupError,
  ServiceOptionsError,
  HookTimeoutError,
} from './service/runtime-errors';
export type { HookTimeouts } from './service/lifecycle';
export { DEFAULT_HOOK_TIMEOUTS } from './defaults';
export { ServiceDefinitionError } from './service/metadata';
export { WAMP_CONNECTION, LOGGER, SETTINGS, SERVICE_NAME } from './service/tokens';
export { ServiceErrorUri } from './service/constants';
export { readServiceCredentials, type CredentialSources } from './service/credentials';
export type {
  ServiceClass,
  ServiceOptions,
  RpcOptions,
  SubscribeOptions,
  TimerOptions,
  HttpMethod,
  HttpOptions,
  EventDelivery,
  ServiceDefinition,
  RpcDefinition,
  SubscribeDefinition,
  TimerDefinition,
  HttpDefinition,
  EntrypointDefinition,
  Refinements,
} from './service/definition';
export type { StandardSchemaV1 } from './contracts/standard-schema';
export type { ProxyCallOptions } from './client';
export { loadConfig, ConfigError, type WServiceConfig, type ConfigFlags } from './config';
export { createLogger, type Logger, type LogLevel, type LogComponent } from './logger';
export {
  WServiceMetrics,
  startMetricsServer,
  type MetricsOptions,
  type MetricsServer,
  type MetricsServerOptions,
  type Readiness,
  WServiceTracing,
  traceOptions,
  TRACEPARENT_ATTRIBUTE,
  TRACESTATE_ATTRIBUTE,
  type TracingOptions,
} from './observability';
