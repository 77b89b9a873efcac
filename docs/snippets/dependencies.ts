import {
  Inject,
  Injectable,
  LOGGER,
  Rpc,
  Service,
  SETTINGS,
  type DependencyProvider,
  type Logger,
  type WorkerContext,
} from 'wservice';

// #region by-type
/** Any class: injected by type. Mark classes with constructor parameters @Injectable(). */
@Injectable()
export class TaxRules {
  rateFor(country: string): number {
    return country === 'FR' ? 0.2 : 0.1;
  }
}
// #endregion by-type

// #region provider
/**
 * A dependency provider: its worker hooks run around every entrypoint call of the services
 * that list it, and services can inject it like any class.
 */
@Injectable()
export class Metrics implements DependencyProvider {
  readonly calls = new Map<string, number>();

  workerSetup(worker: WorkerContext): void {
    worker.data.set('started', Date.now());
  }

  workerResult(worker: WorkerContext, _result: unknown, error?: unknown): void {
    const key = `${worker.entrypoint.method} ${error === undefined ? 'ok' : 'failed'}`;
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
  }
}
// #endregion provider

// #region service
@Service('billing', { providers: [Metrics] })
export class BillingService {
  constructor(
    private readonly tax: TaxRules, // by type
    readonly metrics: Metrics, // the provider instance whose hooks run
    @Inject(SETTINGS) private readonly settings: { currency?: string }, // services.billing.settings
    @Inject(LOGGER) private readonly logger: Logger, // named after the service
  ) {}

  @Rpc()
  invoice(amount: number, country: string): { total: number; currency: string } {
    const total = Math.round(amount * (1 + this.tax.rateFor(country)) * 100) / 100;
    this.logger.debug({ amount, country, total }, 'invoiced');
    return { total, currency: this.settings.currency ?? 'EUR' };
  }
}
// #endregion service
