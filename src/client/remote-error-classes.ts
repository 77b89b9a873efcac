import type { RemoteError, WampError } from '../protocol/errors';

/** An error class a caller gets back instead of a plain `RemoteError` for its URI. */
type RemoteErrorConstructor = abstract new (...args: never[]) => WampError;

const registry = new Map<string, RemoteErrorConstructor>();

/**
 * Registers an error class for a URI, so a caller that receives ERROR `uri` gets an
 * instance of the class (nameko's `remote_error`): through `client.call`, `client.proxy`,
 * service proxies and the test kit's client alike. The class must extend `WampError` and
 * pass the same `uri` to `super`.
 *
 * @example
 * ```ts
 * @RemoteErrorClass('payments.error.declined')
 * export class PaymentDeclined extends WampError {
 *   constructor(reason: string) { super('payments.error.declined', [reason]); }
 * }
 * ```
 */
export function RemoteErrorClass(uri: string) {
  return <T extends RemoteErrorConstructor>(target: T): T => {
    registry.set(uri, target);
    return target;
  };
}

/**
 * Re-creates a `RemoteError` as its registered class (same uri, args, kwargs, details,
 * procedure, request id, message and stack); returns it unchanged when no class is
 * registered for its URI. The revived error is still an `instanceof RemoteError` only if
 * its class extends it; it always is a `WampError`.
 */
export function reviveRemoteError(error: RemoteError): WampError {
  const target = registry.get(error.uri);
  if (target === undefined) return error;
  const revived = Object.create(target.prototype as object) as WampError;
  Object.defineProperties(revived, Object.getOwnPropertyDescriptors(error));
  Object.defineProperty(revived, 'name', { value: target.name, writable: true, configurable: true });
  return revived;
}
