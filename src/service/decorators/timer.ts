import type { TimerOptions } from '../definition';
import { recordEntrypoint } from '../metadata';

/**
 * Runs a method every `interval` ms while the service runs (nameko's `@timer`). A tick that
 * is still running when the next is due is not started twice: the next waits for it.
 *
 * @example
 * ```ts
 * @Timer(60_000) async expireCarts() { ... }
 * ```
 */
export function Timer(interval: number, options: TimerOptions = {}): MethodDecorator {
  return (prototype, method) => {
    recordEntrypoint(prototype, { kind: 'timer', method: String(method), interval, options });
  };
}
