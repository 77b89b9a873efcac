export { Service, Rpc, Subscribe, Timer, Inject, Injectable, Singleton } from './decorators';
export { rpcProxy, serviceProxyCall } from './proxy';
export { EventDispatcher, type DispatchOptions } from './events';
export { ServiceRunner, type ServiceRunnerOptions, type ServiceSpec, type PerServiceOptions } from './runner';
export {
  ServiceContainer,
  type ServiceContainerOptions,
  type ServiceOverrides,
  type ContainerState,
  type OnStart,
  type OnStop,
} from './container';
export { currentContext, type CallContext } from './context';
export type { DependencyProvider, WorkerContext } from './providers';
export { CallLogger } from './call-logger';
export { RemoteErrorClass, reviveRemoteError } from './errors';
export { ServiceStateError, ServiceLookupError, ServiceOptionsError } from './runtime-errors';
export { ServiceDefinitionError, readServiceDefinition, isServiceClass } from './metadata';
export { WAMP_CONNECTION, LOGGER, SETTINGS, SERVICE_NAME } from './tokens';
export { ServiceErrorUri } from './constants';
export type {
  ServiceClass,
  ServiceOptions,
  RpcOptions,
  SubscribeOptions,
  TimerOptions,
  EventDelivery,
  ServiceDefinition,
  RpcDefinition,
  SubscribeDefinition,
  TimerDefinition,
  EntrypointDefinition,
} from './definition';
