import { until } from '../helpers/until';
import { join } from 'node:path';
import { loadConfig, RemoteError } from '../../src';
import { runServices, type TestSystem } from '../../src/testing';
import { main as clientScript, scoped } from '../../docs/snippets/client-script';
import { BillingService, Metrics } from '../../docs/snippets/dependencies';
import { CatalogService } from '../../docs/snippets/entrypoints';
import { AccountsService, AtmService, startOrExplain } from '../../docs/snippets/errors';
import { EmailsService, StorefrontService } from '../../docs/snippets/proxies';

describe('the user guide samples', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await runServices(
      [
        CatalogService,
        StorefrontService,
        { service: EmailsService, instances: 2 },
        BillingService,
        AccountsService,
        AtmService,
      ],
      { perService: { billing: { settings: { currency: 'USD' } } } },
    );
  });
  afterAll(() => system?.stop());

  it('entrypoints: rpc with defaults, custom URI, rest parameters, bytes, progress', async () => {
    expect(await system.client.call('catalog.price', ['apple'])).toBe(2);
    expect(await system.client.call('catalog.v2.price', ['apple'])).toEqual({ amount: 2, currency: 'EUR' });
    expect(await system.client.call('catalog.total', [1, 2, 3])).toBe(6);
    expect(await system.client.call('catalog.checksum', [Buffer.from([1, 2, 3])])).toBe(6);
    expect(await system.client.call('storefront.reindex')).toEqual([
      'batch 1 of 3',
      'batch 2 of 3',
      'batch 3 of 3',
    ]);
  });

  it('proxies and events: a typed proxy, broadcast and pool delivery', async () => {
    expect(await system.client.call('storefront.quote', ['apple'])).toBe(2);
    await system.client.call('storefront.changePrice', ['apple', 5]);
    const emails = system.instancesOf('emails').map((c) => c.instance as EmailsService);
    await until(() => emails.flatMap((e) => e.sent).length === 1);
    await until(async () => (await system.client.call('catalog.price', ['apple'])) === 5);
  });

  it('dependencies: by type, providers with worker hooks, settings', async () => {
    expect(await system.client.call('billing.invoice', [100, 'FR'])).toEqual({ total: 120, currency: 'USD' });
    const billing = system.container('billing').instance as BillingService;
    expect(billing.metrics).toBeInstanceOf(Metrics);
    expect(billing.metrics.calls.get('invoice ok')).toBe(1);
  });

  it('errors: thrown URIs, registered classes caught by the caller', async () => {
    expect(await system.client.call('atm.cash', ['alice', 5])).toBe('here you go');
    expect(await system.client.call('atm.cash', ['alice', 100])).toBe('sorry: alice has only 5');
    const unknown = await system.client.call('atm.cash', ['bob', 1]).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(RemoteError);
    expect((unknown as RemoteError).uri).toBe('accounts.error.unknown_account');
  });

  it('errors: a stable code tells a mistake in a service class', async () => {
    class NotAService {}
    const hint = await startOrExplain({ services: [NotAService], router: 'ws://127.0.0.1:9/ws' });
    expect(hint).toBe(
      "fix the service class: NotAService is not a service: decorate it with @Service('name')",
    );
  });

  it('the client script runs against the services', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await clientScript(system.url);
      expect(log).toHaveBeenCalledWith({ price: expect.any(Number), total: 6 });
    } finally {
      log.mockRestore();
    }
  });

  it('the await using sample calls and leaves', async () => {
    expect(await scoped(system.url)).toBe(6);
  });

  it('the sample configuration file is valid', () => {
    const config = loadConfig({
      file: join(__dirname, '..', '..', 'docs', 'snippets', 'wservice.config.yaml'),
      env: {},
    });
    expect(config.router).toMatchObject({
      url: 'ws://127.0.0.1:8080/ws',
      realm: 'realm1',
      auth: { ticket: 'dev-ticket' },
    });
    expect(config.services.billing).toEqual({
      instances: 2,
      maxConcurrency: 20,
      settings: { currency: 'EUR' },
    });
    expect(config.http).toEqual({ port: 8000, host: '127.0.0.1' });
    expect(config.logLevel).toBe('info');
  });
});
