/** The WAMP client: sessions, reconnecting connections, the scripting entry point. */
export { Session, DEFAULT_LEAVE_TIMEOUT } from './session';
export { DEFAULT_JOIN_TIMEOUT, type JoinOptions } from './join';
export type { AuthOptions, AuthChallenge, ChallengeHandler } from './auth';
export { MessageHooks, type MessageHook, type MessageHookOptions } from './hooks';
export { RouterFeatures, CLIENT_ROLES, type RouterRole } from './features';
export { Registration } from './registration';
export { Subscription } from './subscription';
export { DEFAULT_CANCEL_MODE } from './caller';
export {
  SessionClosedError,
  FeatureNotSupportedError,
  CallCanceledError,
  CallTimeoutError,
  ClientErrorUri,
  handlerErrorToWire,
  type WireError,
} from './errors';
export {
  Result,
  CallResult,
  type ClientCallOptions,
  type ClientRegisterOptions,
  type ClientSubscribeOptions,
  type ClientPublishOptions,
  type Publication,
  type InvocationContext,
  type ProcedureHandler,
  type EventInfo,
  type EventHandler,
  type SessionState,
  type SessionOptions,
  type SessionCloseInfo,
} from './types';
export {
  Connection,
  type ConnectionOptions,
  type ConnectionEvents,
  type ConnectionCloseInfo,
  type TransportFactory,
} from './connection';
export { DEFAULT_RECONNECT, type ReconnectOptions } from './backoff';
export { connect, Client, DEFAULT_ROUTER_URL, DEFAULT_REALM, type ConnectOptions } from './connect';
export {
  createServiceProxy,
  callValue,
  proxyCallOptions,
  type ServiceProxy,
  type ProxyCall,
  type ProxyCallOptions,
  type Returned,
} from './proxy';
export {
  parseRouterUrl,
  transportFor,
  failoverTransport,
  type RouterAddress,
  type TransportOptions,
} from './url';
