import type { RpcOptions } from '../definition';
import { recordEntrypoint } from '../metadata';

/**
 * Exposes a method as a WAMP procedure, `<service>.<method>` unless `uri` names one.
 * Positional arguments map to parameters by position, keyword arguments by name.
 *
 * @example
 * ```ts
 * @Rpc() async quote(sku: string, qty: number): Promise<number> { ... }   // orders.quote
 * @Rpc('shop.v2.quote', { timeout: 5000 }) ...
 * ```
 */
export function Rpc(uriOrOptions?: string | RpcOptions, options?: RpcOptions): MethodDecorator {
  const uri = typeof uriOrOptions === 'string' ? uriOrOptions : undefined;
  const opts = (typeof uriOrOptions === 'object' ? uriOrOptions : options) ?? {};
  return (prototype, method) => {
    recordEntrypoint(prototype, { kind: 'rpc', method: String(method), uri, options: opts });
  };
}
