import { Rpc, Service, ServiceRunner, connect, createLogger, type Client } from '../../src';
import { startTestRouter, waitForRegistrations, type TestRouter } from '../../src/testing';

@Service('echo')
class Echo {
  @Rpc()
  say(text: string): string {
    return text;
  }
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
});
