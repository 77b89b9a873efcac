/** Defaults shared by the WebSocket and RawSocket transports. */

/** 16 MiB: the largest message a RawSocket peer can announce (spec: L = 15, 2^24 octets). */
export const DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024;

/** How long a client waits for the link, the TLS handshake and the opening handshake. */
export const DEFAULT_CONNECT_TIMEOUT = 10_000;

/** How long `Listener.close` lets open links finish their closing handshake before cutting them. */
export const LISTENER_CLOSE_GRACE = 2_000;
