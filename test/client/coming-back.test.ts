import { connect, Rpc, Service, type Client } from '../../src';
import { Router } from '../../src/router';
import { runServices, type TestSystem } from '../../src/testing';
import { createLogger } from '../../src/logger';
import { FaultProxy } from '../helpers/fault-proxy';
import { until } from '../helpers/until';

@Service('clock')
class ClockService {
  @Rpc()
  now(): string {
    return 'tick';
  }
}

const quietLogger = () => createLogger({ level: 'silent' });

/** Longer than the old backoff's sum of 1 + 2 + 4 s, so its next retry came 8 s later. */
const OUTAGE = 8_000;

/**
 * A router outage, made by a fault proxy between the router and its clients (every link reset,
 * new connections refused): a service and a reconnecting client rejoin within about 2 s of
 * the router coming back, with the default backoff.
 */
describe('coming back after a router outage', () => {
  let router: Router;
  let proxy: FaultProxy;
  let system: TestSystem;
  let client: Client;

  beforeAll(async () => {
    router = await Router.start({ listeners: [{ type: 'websocket', port: 0 }], logger: quietLogger() });
    proxy = await FaultProxy.start(router.listeners[0].port!);
    const url = `ws://127.0.0.1:${proxy.port}/ws`;
    system = await runServices([ClockService], { router: url });
    client = await connect({ url, logger: quietLogger() });
  });

  afterAll(async () => {
    await client?.close();
    await system?.stop();
    await proxy?.stop();
    await router?.stop();
  });

  it(`rejoins within ~2 s after ${OUTAGE / 1000} s away`, async () => {
    expect(await client.call('clock.now')).toBe('tick');
    proxy.refuse();
    proxy.reset();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE));
    proxy.accept();
    const back = Date.now();
    await until(
      async () => {
        try {
          return (await client.call('clock.now')) === 'tick';
        } catch {
          return false;
        }
      },
      { timeout: 10_000, every: 50, what: 'the service to answer again' },
    );
    expect(Date.now() - back).toBeLessThan(2_600);
  }, 30_000);
});
