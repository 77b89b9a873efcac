import { injectable } from 'tsyringe';
import { declaringFile } from '../../contracts/source-file';
import type { ServiceClass, ServiceOptions } from '../definition';
import { recordService } from '../metadata';

/**
 * Marks a class as a service called `name`. Its constructor parameters are injected
 * (tsyringe): plain classes by type, anything else with `@Inject(token)`.
 *
 * @example
 * ```ts
 * @Service('orders', { maxConcurrency: 20 })
 * export class OrdersService { constructor(private readonly events: EventDispatcher) {} }
 * ```
 */
export function Service(
  name: string,
  options: ServiceOptions = {},
): <T extends ServiceClass>(target: T) => T {
  return (target) => {
    recordService(target, name, options, declaringFile());
    injectable()(target);
    return target;
  };
}
