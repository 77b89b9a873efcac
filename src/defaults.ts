/**
 * Defaults shared across layers. They follow Crossbar.io's, so tutorials carry over;
 * `WSERVICE_ROUTER` / `WSERVICE_REALM` override them.
 */

/** Where a client connects, and where the embedded router listens, unless told otherwise. */
export const DEFAULT_ROUTER_URL = 'ws://127.0.0.1:8080/ws';
/** The realm joined unless told otherwise. */
export const DEFAULT_REALM = 'realm1';
