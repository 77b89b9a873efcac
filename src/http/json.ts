import type { IncomingMessage, ServerResponse } from 'node:http';
import { WServiceErrorUri } from '../errors';
import { markReported, wasReported, type Logger } from '../logger';
import { ErrorUri, WampError, wireErrorOf } from '../protocol/errors';

/**
 * JSON over HTTP, as `@Http` routes and the router's HTTP bridge answer: the status of an
 * error, its `{ error, args, kwargs, message }` body, results as JSON text, and request
 * bodies read within a limit. A leaf module beside the layers: node:http and the protocol's
 * errors only.
 */

export const JSON_TYPE = 'application/json; charset=utf-8';

/** The status of the WAMP error URIs that have one; any other URI is a 500. */
const STATUS_BY_URI: Record<string, number> = {
  [ErrorUri.INVALID_ARGUMENT]: 400,
  [ErrorUri.INVALID_URI]: 400,
  [ErrorUri.AUTHENTICATION_FAILED]: 401,
  [ErrorUri.NO_AUTH_METHOD]: 401,
  [ErrorUri.NOT_AUTHORIZED]: 403,
  [ErrorUri.AUTHORIZATION_FAILED]: 403,
  [ErrorUri.NO_SUCH_PROCEDURE]: 404,
  [ErrorUri.NO_SUCH_REALM]: 404,
  [WServiceErrorUri.NOT_FOUND]: 404,
  [WServiceErrorUri.METHOD_NOT_ALLOWED]: 405,
  [ErrorUri.PAYLOAD_SIZE_EXCEEDED]: 413,
  [ErrorUri.CANCELED]: 499,
  [ErrorUri.NO_ELIGIBLE_CALLEE]: 503,
  [WServiceErrorUri.OVERLOADED]: 503,
  [WServiceErrorUri.UNAVAILABLE]: 503,
  [WServiceErrorUri.TOO_MANY_SESSIONS]: 503,
  [WServiceErrorUri.ROUTER_OVERLOADED]: 503,
  [ErrorUri.SYSTEM_SHUTDOWN]: 503,
  [ErrorUri.TIMEOUT]: 504,
};

/**
 * The status an error answers with: the one its class names (`static httpStatus`, or an
 * `httpStatus` property, 400 to 599), else the one of its URI, else 500.
 *
 * @example
 * ```ts
 * class OutOfStock extends WampError {
 *   static readonly httpStatus = 409;
 * }
 * ```
 */
export function httpStatusOf(error: unknown): number {
  if (!(error instanceof WampError)) return 500;
  const own = (error as { httpStatus?: unknown }).httpStatus;
  const declared = own ?? (error.constructor as { httpStatus?: unknown }).httpStatus;
  if (Number.isInteger(declared) && (declared as number) >= 400 && (declared as number) <= 599)
    return declared as number;
  return STATUS_BY_URI[error.uri] ?? 500;
}

/**
 * JSON text of a value: bigints as numbers while they are safe integers, else as their
 * decimal text; bytes as base64 (the contracts' `contentEncoding`); dates as ISO text.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, replaced: unknown) {
    const raw = this[key];
    if (typeof raw === 'bigint')
      return raw >= Number.MIN_SAFE_INTEGER && raw <= Number.MAX_SAFE_INTEGER ? Number(raw) : raw.toString();
    if (raw instanceof Uint8Array)
      return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64');
    return replaced;
  });
}

/** Answers `value` as JSON (`undefined`: no body). */
export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string | number> = {},
): void {
  if (res.destroyed || res.headersSent) return;
  if (value === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  const body = jsonText(value);
  res
    .writeHead(status, { ...headers, 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body) })
    .end(body);
}

/**
 * Answers an error with its status and `{ error, args, kwargs, message }`: what a WAMP caller
 * would get, never a stack trace. 503 says when to retry; 413 closes the connection (the rest
 * of the body is never read, so it cannot carry another request).
 */
export function sendError(req: IncomingMessage, res: ServerResponse, error: unknown): void {
  const { uri, args = [], kwargs = {} } = wireErrorOf(error);
  const status = httpStatusOf(error);
  const headers: Record<string, string | number> = {};
  if (status === 503) headers['retry-after'] = 1;
  if (status === 413) {
    headers.connection = 'close';
    res.on('finish', () => req.socket.destroy());
  }
  const message = typeof args[0] === 'string' ? args[0] : uri;
  sendJson(res, status, { error: uri, args, kwargs, message }, headers);
}

/** A request refused before anything ran, with its own status. */
export class RefusedRequest extends WampError {
  constructor(
    readonly httpStatus: number,
    uri: string,
    message: string,
  ) {
    super(uri, [message]);
  }
}

/**
 * The JSON body of a request, undefined when there is none. Refused when larger than
 * `limit` bytes (413, checked on Content-Length before reading and while reading), not
 * `application/json` (415), or malformed (400).
 */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) return Promise.reject(tooLarge(limit));
  if (declared === 0 || (Number.isNaN(declared) && req.headers['transfer-encoding'] === undefined)) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else {
        // Read no further: the answer closes the connection.
        req.pause();
        req.removeAllListeners('data');
        reject(tooLarge(limit));
      }
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size === 0) return resolve(undefined);
      const type = req.headers['content-type'] ?? '';
      if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
        const got = type === '' ? 'no content-type' : type;
        return reject(
          new RefusedRequest(415, ErrorUri.INVALID_ARGUMENT, `the body must be application/json, got ${got}`),
        );
      }
      try {
        resolve(JSON.parse(Buffer.concat(chunks, size).toString('utf8')));
      } catch (err) {
        reject(
          new RefusedRequest(
            400,
            ErrorUri.INVALID_ARGUMENT,
            `the body is not valid JSON: ${(err as Error).message}`,
          ),
        );
      }
    });
  });
}

function tooLarge(limit: number): WampError {
  return new RefusedRequest(413, ErrorUri.PAYLOAD_SIZE_EXCEEDED, `the body is larger than ${limit} bytes`);
}

/**
 * Answers a failed or refused request (`sendError`) and logs it once, unless a layer below
 * did (the call logger logs a worker's error): a `WampError` at `level` with its URI, since it
 * is the caller's to fix, anything else at error with its stack.
 */
export function failRequest(
  req: IncomingMessage,
  res: ServerResponse,
  error: unknown,
  logger: Logger,
  what: string,
  level: 'debug' | 'info' = 'info',
): void {
  if (!wasReported(error)) {
    markReported(error);
    const fields = { method: req.method, path: req.url };
    if (error instanceof WampError)
      logger[level]({ ...fields, uri: error.uri }, `${what} ${req.method} refused: ${error.message}`);
    else logger.error({ ...fields, err: error }, `${what} ${req.method} failed`);
  }
  sendError(req, res, error);
}
