/**
 * wservice/browser: the WAMP client for web pages, bundled as ESM by `npm run build:browser`
 * into dist/browser/wservice.js (and .min.js). The same `Client`, `Connection` and typed
 * proxies as on Node, over the browser's own WebSocket; json, msgpack and cbor. This file is
 * the bundle's whole API.
 */
export { connect, type BrowserConnectOptions } from './connect';
export {
  connectBrowserWebSocket,
  BrowserWebSocketTransport,
  type BrowserWebSocketOptions,
} from './websocket';

export { Client, type RemoteProcedure } from '../client/client';
export {
  Connection,
  type ConnectionOptions,
  type ConnectionEvents,
  type ConnectionCloseInfo,
  type TransportFactory,
} from '../client/connection';
export { Session } from '../client/session';
export { Registration } from '../client/registration';
export { Subscription } from '../client/subscription';
export { DEFAULT_RECONNECT, type ReconnectOptions } from '../client/backoff';
export { createServiceProxy, callValue, type ServiceProxy } from '../client/proxy';
export type { AuthOptions, AuthChallenge, ChallengeHandler } from '../client/auth';
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
} from '../client/types';
export {
  SessionClosedError,
  FeatureNotSupportedError,
  CallCanceledError,
  CallTimeoutError,
  ClientErrorUri,
} from '../client/errors';

export { WServiceError, ErrorCode, WServiceErrorUri } from '../errors';
export { WampError, RemoteError, ProtocolError, ErrorUri } from '../protocol/errors';
export { SerializationError, type Serializer } from '../protocol/serializer';
export { jsonSerializer, msgpackSerializer, cborSerializer, SERIALIZERS } from '../protocol/serializers';
export { TransportError, PayloadSizeError, type Transport } from '../transport/transport';
export { MessageType, type Args, type Kwargs, type Dict } from '../protocol/messages';
export { DEFAULT_ROUTER_URL, DEFAULT_REALM } from '../defaults';
