/** Defaults shared by the WebSocket and RawSocket transports. */

/** 16 MiB: the largest message a RawSocket peer can announce (spec: L = 15, 2^24 octets). */
export const DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024;

/** How long a client waits for the link, the TLS handshake and the opening handshake. */
export const DEFAULT_CONNECT_TIMEOUT = 10_000;

/** How long `Listener.close` lets open links finish their closing handshake before cutting them. */
export const LISTENER_CLOSE_GRACE = 2_000;

/** How long a closed link waits for the peer's side of the closing handshake before it is destroyed. */
export const CLOSE_GRACE = 1_000;

/** How long a server waits for a new connection's opening handshake (WebSocket upgrade, RawSocket octets). */
export const DEFAULT_OPEN_TIMEOUT = 10_000;

/** How long an inbound message may take from its first byte to its last. */
export const DEFAULT_MESSAGE_TIMEOUT = 30_000;

/**
 * Unsent bytes a link may hold (messages and the PONGs it answers with); a link past it is
 * dropped. The router's `limits.outboundHardLimit` has the same default.
 */
export const DEFAULT_OUTBOUND_LIMIT = 64 * 1024 * 1024;

/** Connections a server holds that have not joined yet (or, without a router, not opened yet). */
export const DEFAULT_MAX_PENDING = 256;

/** Of those, from one remote address. */
export const DEFAULT_MAX_PENDING_PER_ADDRESS = 64;

/**
 * Every this many more bytes held for an unfinished inbound message, the owner's buffer budget
 * hears of it (and may pause the link): about once per socket chunk of a large message, so a
 * link can pass the budget's pause mark by little more than one chunk.
 */
export const BUFFERING_REPORT_STEP = 64 * 1024;
