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
/** The port of the HTTP server of `@Http` routes (nameko's `WEB_SERVER_ADDRESS` port). */
export const DEFAULT_HTTP_PORT = 8000;
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
/**
 * How long each lifecycle hook of a service instance may take, in ms, before it is given up
 * (logged once with the service, the hook and the time). A start hook past its deadline fails
 * the start (what had started is undone); a stop hook past its deadline is left behind and the
 * stop goes on. Override per runner (`hookTimeouts`) or per service (`perService.<name>.hookTimeouts`).
 * Waiting for in-flight work has its own bound, the service's `stopTimeout`.
 */
export const DEFAULT_HOOK_TIMEOUTS = {
  /** Each dependency provider's `start`. */
  providerStart: 30_000,
  /** The service's `onStart`. */
  onStart: 30_000,
  /** Registering and subscribing every entrypoint. */
  entrypointStart: 30_000,
  /** Unregistering and unsubscribing every entrypoint. */
  entrypointStop: 5_000,
  /** The service's `onStop`. */
  onStop: 10_000,
  /** Each dependency provider's `stop` (or `kill`). */
  providerStop: 10_000,
  /** Disposing what the DI container created. */
  dispose: 5_000,
  /** Leaving the router (GOODBYE) and closing the connection. */
  leave: 5_000,
} as const;
