import { inject, injectable, singleton } from 'tsyringe';

/**
 * Injects the dependency registered under `token` into a constructor parameter (tsyringe's
 * `@inject`). Classes are injected by type without it.
 *
 * @example
 * ```ts
 * constructor(@Inject(rpcProxy('payments')) private payments: ServiceProxy<PaymentsService>) {}
 * ```
 */
export const Inject = inject;

/** Marks a class as constructible by the DI container (tsyringe's `@injectable`). */
export const Injectable = injectable;

/** Marks a class as one instance for the whole runner (tsyringe's `@singleton`). */
export const Singleton = singleton;
