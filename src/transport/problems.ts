import { TransportError } from './transport';

const CONNECT_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENOENT: 'no such socket file',
  ECONNRESET: 'connection reset by the server',
};

/** A failed connect as a TransportError naming the target and, in plain words, the cause. */
export function connectFailure(target: string, err: Error & { code?: string }): TransportError {
  const reason = (err.code !== undefined && CONNECT_REASONS[err.code]) || err.message;
  return new TransportError(`cannot connect to ${target}: ${reason}`, err.code ?? 'CONNECT_FAILED', {
    cause: err,
  });
}

/** Throws a TransportError unless `size` is a usable message size limit. */
export function checkMaxMessageSize(size: number): void {
  if (!Number.isSafeInteger(size) || size <= 0) {
    throw new TransportError(`maxMessageSize must be a positive integer number of bytes, got ${size}`);
  }
}
