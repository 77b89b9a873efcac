export * from './transport';
export { createInProcessPair, inProcessSerializer } from './inprocess';
export type { Listener } from './listener';
export { DEFAULT_KEEPALIVE, type KeepAliveOptions } from './keepalive';
export { PendingConnections, type PendingLimits } from './pending';
export { readClientTls, isPemText, type ClientTlsOptions, type ServerTlsOptions } from './tls';
export { DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_CONNECT_TIMEOUT } from './constants';
export { connectWebSocket, type WebSocketClientOptions } from './websocket/client';
export { listenWebSocket, type WebSocketListenOptions } from './websocket/server';
export { WebSocketTransport } from './websocket/transport';
export { connectRawSocket, type RawSocketClientOptions, type RawSocketTarget } from './rawsocket/client';
export { listenRawSocket, type RawSocketListenOptions, type RawSocketBind } from './rawsocket/server';
export { RawSocketTransport } from './rawsocket/transport';
export {
  RawSocketFramer,
  FramerState,
  FrameType,
  encodeFramePrefix,
  type FramerSink,
} from './rawsocket/framer';
export { HandshakeError, type HandshakeErrorCode } from './rawsocket/handshake';
