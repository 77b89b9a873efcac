import { Rpc, Service, ServiceRunner, Subscribe, connect, createLogger, type Client } from '../../src';
import { startTestRouter, waitForRegistrations, type TestRouter } from '../../src/testing';
import { capturingLogger } from '../helpers/capturing-logger';

@Service('echo')
class Echo {
  @Rpc()
  say(text: string): string {
    return text;
  }

  @Subscribe('echo.heard')
  heard(): void {}
}

describe('a service on an external router that restarts', () => {
  let router: TestRouter;
  let runner: ServiceRunner;
  let client: Client | undefined;
  afterEach(async () => {
    await client?.close().catch(() => undefined);
    await runner?.stop();
    await router?.stop();
  });

  it('reconnects and registers its procedures again', async () => {
    router = await startTestRouter();
    const port = router.router.listeners[0].port!;
    runner = await ServiceRunner.start({
      services: [Echo],
      router: router.url,
      reconnect: { initialDelay: 20, maxDelay: 200 },
      logger: createLogger({ level: 'silent' }),
    });
    client = await connect({ url: router.url, reconnect: false });
    expect(await client.call('echo.say', ['before'])).toBe('before');
    await client.close();

    const rejoined = new Promise((resolve) => runner.container('echo').connection.once('join', resolve));
    await router.stop();
    router = await startTestRouter({
      listeners: [{ type: 'websocket', host: '127.0.0.1', port, path: '/ws' }],
    });
    await rejoined;
    client = await connect({ url: router.url, reconnect: false });
    await waitForRegistrations(client, ['echo.say']);
    expect(await client.call('echo.say', ['after'])).toBe('after');
  });

  it('stops without an error when the router shuts down while it unregisters', async () => {
    router = await startTestRouter();
    const { logger, lines } = capturingLogger('warn');
    runner = await ServiceRunner.start({ services: [Echo], router: router.url, reconnect: false, logger });
    const warnings = lines.length; // the describe procedures an anonymous session may not register
    const stopping = runner.stop();
    // The UNREGISTER and UNSUBSCRIBE are on the wire when the router ends the session.
    await new Promise((resolve) => setImmediate(resolve));
    await router.stop();
    await stopping;
    expect(lines.slice(warnings)).toEqual([]);
    expect(runner.container('echo').state).toBe('stopped');
  });
});
