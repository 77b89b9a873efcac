import { handlerErrorToWire } from '../../client/errors';
import { WServiceErrorUri } from '../../errors';
import { ErrorUri, WampError } from '../../protocol/errors';

/** The HTTP status of the WAMP error URIs that have one; any other URI is a 500. */
const STATUS_BY_URI: Record<string, number> = {
  [ErrorUri.INVALID_ARGUMENT]: 400,
  [ErrorUri.INVALID_URI]: 400,
  [ErrorUri.AUTHENTICATION_FAILED]: 401,
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
  [ErrorUri.TIMEOUT]: 504,
};

/**
 * The status an error answers with: the one its class names (`static httpStatus`, or an
 * `httpStatus` property), else the one of its URI (`STATUS_BY_URI`), else 500.
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

/** An error as the body of an answer: `{ error, args, kwargs, message }`, never a stack. */
export function errorBody(error: unknown): string {
  const { uri, args = [], kwargs = {} } = handlerErrorToWire(error);
  const message = typeof args[0] === 'string' ? args[0] : uri;
  return jsonText({ error: uri, args, kwargs, message });
}

/**
 * JSON text of a result: bigints as numbers while they are safe integers, else as strings;
 * bytes as base64 (the contracts' `contentEncoding`); dates as ISO text.
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
