/**
 * Where to listen and connect, in one place for every layer (the router's listeners, the
 * transports, the client, the runner, the test kit and the CLI). They follow Crossbar.io's,
 * so tutorials carry over; `WSERVICE_ROUTER` / `WSERVICE_REALM` override them. A leaf
 * module: every layer may import it.
 */

/** Loopback, never every interface: exposing a router is the user's explicit choice. */
export const DEFAULT_HOST = '127.0.0.1';
/** The embedded router's WebSocket port. */
export const DEFAULT_PORT = 8080;
/** Crossbar.io's WebSocket path. */
export const DEFAULT_WEBSOCKET_PATH = '/ws';
/** Where a client connects, and where the embedded router listens, unless told otherwise. */
export const DEFAULT_ROUTER_URL = `ws://${DEFAULT_HOST}:${DEFAULT_PORT}${DEFAULT_WEBSOCKET_PATH}` as const;
/** The realm joined unless told otherwise. */
export const DEFAULT_REALM = 'realm1';

/** How long the router waits for a dynamic authenticator's answer before it refuses the session. */
export const DEFAULT_AUTHENTICATOR_TIMEOUT = 5000;
/** How long the router waits for a dynamic authorizer's answer before it denies the request. */
export const DEFAULT_AUTHORIZER_TIMEOUT = 5000;
/** Verdicts of a dynamic authorizer cached per session (the oldest go first). */
export const DEFAULT_AUTHORIZER_CACHE_SIZE = 1000;
/** Requests of one session waiting behind a dynamic authorizer before the session is closed. */
export const DEFAULT_AUTHORIZER_QUEUE = 1000;
