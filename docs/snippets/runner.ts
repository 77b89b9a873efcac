import { ServiceRunner } from 'wservice';
import { BillingService } from './dependencies';
import { CatalogService } from './entrypoints';

// #region runner
/** What `wservice run` does, from code: an embedded router and the services around it. */
export async function startShop(): Promise<ServiceRunner> {
  const runner = await ServiceRunner.start({
    services: [CatalogService, { service: BillingService, instances: 2 }],
    embedded: { listeners: [{ type: 'websocket', host: '127.0.0.1', port: 8080, path: '/ws' }] },
    perService: { billing: { settings: { currency: 'USD' } } },
  });
  console.log(`services reachable at ${runner.routerUrl}`);
  return runner; // later: await runner.stop()
}
// #endregion runner
