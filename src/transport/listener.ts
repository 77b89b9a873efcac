import type { Server } from 'node:net';
import type { Logger } from '../logger';
import { LISTENER_CLOSE_GRACE } from './constants';
import { TransportError, type CloseInfo, type Transport } from './transport';

/** A listening endpoint (WebSocket or RawSocket server). */
export interface Listener {
  /** Where clients connect: `ws://127.0.0.1:8080/ws`, `rs://127.0.0.1:8081`, `unix:/tmp/wamp.sock`. */
  readonly url: string;
  /** The bound TCP port (useful with `port: 0`); absent for unix sockets. */
  readonly port?: number;
  /** The WebSocket path, or the unix socket file. */
  readonly path?: string;
  /** Stops accepting, closes every open transport and resolves once they are closed. */
  close(): Promise<void>;
}

/** What a listener needs of its open transports to shut them down. */
export interface ClosableTransport {
  readonly closed: Promise<CloseInfo>;
  close(code?: number, reason?: string): void;
  /** Drops the link at once, without a closing handshake. */
  terminate(): void;
}

/**
 * Closes every transport in `open` politely, and cuts the ones still open after
 * `LISTENER_CLOSE_GRACE` ms (a peer that never answers the closing handshake).
 */
export async function closeAll(
  open: ReadonlySet<ClosableTransport>,
  code: number,
  reason: string,
): Promise<void> {
  if (open.size === 0) return;
  const transports = [...open];
  for (const t of transports) t.close(code, reason);
  const allClosed = Promise.all(transports.map((t) => t.closed));
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, LISTENER_CLOSE_GRACE)));
  await Promise.race([allClosed, grace]);
  clearTimeout(timer);
  for (const t of transports) t.terminate();
  await allClosed;
}

/** Where a server listens: a TCP interface and port, or a unix socket file. */
export type ListenAddress = { host: string; port: number } | { path: string };

/** `server.listen`, as a promise that rejects with a TransportError naming `label`. */
export function listenOn(server: Server, address: ListenAddress, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error & { code?: string }): void => {
      reject(new TransportError(`cannot listen on ${label}: ${err.message}`, err.code, { cause: err }));
    };
    server.once('error', onError);
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    if ('path' in address) server.listen(address.path, onListening);
    else server.listen(address.port, address.host, onListening);
  });
}

/** Gives a new link to its owner; an owner that throws is logged and the link closed (1011). */
export function handOver(transport: Transport, onTransport: (t: Transport) => void, logger: Logger): void {
  try {
    onTransport(transport);
  } catch (err) {
    logger.error({ err, peer: transport.peer }, 'onTransport threw; closing the new link');
    transport.close(1011, 'internal error');
  }
}
