import type { HttpMethod, HttpOptions } from '../definition';
import { recordEntrypoint } from '../metadata';

/**
 * Serves a method over HTTP (nameko's `@http`), JSON in and out, on the runner's HTTP server.
 * Path parameters (`/orders/:id`), query parameters and the keys of a JSON object body are
 * bound to the method's parameters by name and checked against its contract, as `@Rpc`'s
 * keyword arguments are. A thrown error answers with an HTTP status and
 * `{ error, args, kwargs, message }` (docs/web.md).
 *
 * @example
 * ```ts
 * @Http('GET', '/orders/:id') async get(id: number): Promise<Order> { ... }
 * @Http('POST', '/orders', { status: 201 }) async create(sku: string, qty: number) { ... }
 * ```
 */
export function Http(method: HttpMethod, path: string, options: HttpOptions = {}): MethodDecorator {
  return (prototype, name) => {
    recordEntrypoint(prototype, { kind: 'http', method: String(name), httpMethod: method, path, options });
  };
}
