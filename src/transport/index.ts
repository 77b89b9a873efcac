export * from './transport';
export { createInProcessPair, inProcessSerializer } from './inprocess';
export type { Listener } from './listener';
export type { KeepAliveOptions } from './keepalive';
export type { ClientTlsOptions, ServerTlsOptions } from './tls';
export { DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_CONNECT_TIMEOUT } from './constants';
export { connectWebSocket, type WebSocketClientOptions } from './websocket/client';
export { listenWebSocket, type WebSocketListenOptions } from './websocket/server';
export { WebSocketTransport } from './websocket/transport';
