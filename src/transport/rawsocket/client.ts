import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { defaultLogger, type Logger } from '../../logger';
import type { Serializer } from '../../protocol/serializer';
import { jsonSerializer } from '../../protocol/serializers';
import { DEFAULT_HOST } from '../../defaults';
import { DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_MESSAGE_SIZE } from '../constants';
import { checkKeepAliveOptions, keepAliveOf, type KeepAliveOptions } from '../keepalive';
import { describePeer, urlHost } from '../peer';
import { checkMaxMessageSize, connectFailure } from '../problems';
import type { ClientTlsOptions } from '../tls';
import { TransportError, type Transport } from '../transport';
import { clientNegotiation, encodeHandshake, lengthExponentOf, maxLengthOf } from './handshake';
import { RawSocketTransport } from './transport';

/** Where a RawSocket client connects: a TCP host and port, or a unix socket file. */
export type RawSocketTarget =
  { host?: string; port: number; path?: undefined } | { path: string; host?: undefined; port?: undefined };

/** Options of `connectRawSocket`. */
export type RawSocketClientOptions = RawSocketTarget & {
  /** The serializer to ask for. Default JSON. */
  serializer?: Serializer;
  /**
   * Largest message we accept, in bytes, rounded down to a power of two between 512 and
   * 16 MiB (the handshake's 2^(9+L)). Default 16 MiB.
   */
  maxMessageSize?: number;
  /** PING the router when the link is silent for `interval` ms, drop it after `timeout` more. Default on (10 s, 10 s); `false` turns it off. */
  keepAlive?: KeepAliveOptions | false;
  /** Milliseconds an inbound frame may take from its first byte to its last. Default 30 s. */
  messageTimeout?: number;
  /** Speak TLS (trusting `ca`, presenting `cert` / `key` for mutual TLS). */
  tls?: ClientTlsOptions;
  /** Milliseconds to connect, finish TLS and get the router's handshake reply. Default 10 s. */
  connectTimeout?: number;
  logger?: Logger;
};

/**
 * Opens a WAMP-over-RawSocket connection and runs the handshake. Rejects with a
 * `TransportError` naming the target when the connection is refused or times out, or the
 * router refuses the handshake (code `SERIALIZER_UNSUPPORTED`, `MAX_LENGTH_UNACCEPTABLE`,
 * `RESERVED_BITS` or `CONNECTION_LIMIT`).
 *
 * @example const transport = await connectRawSocket({ port: 8081, serializer: msgpackSerializer });
 */
export async function connectRawSocket(options: RawSocketClientOptions): Promise<Transport> {
  const serializer = options.serializer ?? jsonSerializer;
  const maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  const timeout = options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT;
  checkMaxMessageSize(maxMessageSize);
  checkKeepAliveOptions(options.keepAlive);
  const serializerId = serializer.rawSocketId;
  if (serializerId === undefined)
    throw new TransportError(`serializer ${serializer.name} has no RawSocket id`);
  const target = targetName(options);
  const lengthExponent = lengthExponentOf(maxMessageSize);
  const socket = openSocket(options);
  // One deadline for connect, TLS and the handshake reply.
  const deadline = Date.now() + timeout;
  const timedOut = (): TransportError =>
    new TransportError(`cannot connect to ${target}: no answer within ${timeout} ms`, 'CONNECT_TIMEOUT');

  await withTimeout(connectedSocket(socket, options.tls !== undefined, target), timeout, () => {
    socket.destroy();
    return timedOut();
  });
  const transport = new RawSocketTransport(socket, {
    peer: describePeer(socket, options.path),
    maxMessageSize: maxLengthOf(lengthExponent),
    negotiate: clientNegotiation(serializer, target),
    keepAlive: keepAliveOf(options.keepAlive),
    messageTimeout: options.messageTimeout,
    logger: options.logger ?? defaultLogger(),
  });
  transport.sendHandshake(encodeHandshake(lengthExponent, serializerId));
  try {
    await withTimeout(transport.ready, deadline - Date.now(), () => {
      transport.terminate();
      return timedOut();
    });
  } catch (err) {
    const error = err as TransportError;
    if (error.message.includes(target)) throw error;
    throw new TransportError(`cannot connect to ${target}: ${error.message}`, error.code, { cause: error });
  }
  return transport;
}

/** Resolves once the socket is connected (TLS: secured); rejects with a TransportError naming `target`. */
function connectedSocket(socket: Socket, tls: boolean, target: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error & { code?: string }): void => reject(connectFailure(target, err));
    socket.once('error', onError);
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      socket.off('error', onError);
      resolve();
    });
  });
}

/** `promise`, or the error `onTimeout` returns once `ms` have passed. */
async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(onTimeout()), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function openSocket(options: RawSocketClientOptions): Socket {
  const tls = options.tls;
  if (options.path !== undefined) {
    return tls ? tlsConnect({ path: options.path, ...tlsOptions(tls) }) : netConnect({ path: options.path });
  }
  const host = options.host ?? DEFAULT_HOST;
  if (tls === undefined) return netConnect({ host, port: options.port });
  // SNI carries host names only (RFC 6066); the certificate is checked against `host` either way.
  return tlsConnect({
    host,
    port: options.port,
    servername: isIP(host) === 0 ? host : undefined,
    ...tlsOptions(tls),
  });
}

function tlsOptions(tls: ClientTlsOptions): ClientTlsOptions {
  return { ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.rejectUnauthorized ?? true };
}

/** The target as a URL for messages: `rs://127.0.0.1:8081`, `rss://...` with TLS, `unix:/path`. */
function targetName(options: RawSocketClientOptions): string {
  if (options.path !== undefined) return `unix:${options.path}`;
  return `${options.tls ? 'rss' : 'rs'}://${urlHost(options.host ?? DEFAULT_HOST)}:${options.port}`;
}
