import { connect, type Client } from '../../src/client/connect';
import { startTestRouter, type TestRouter } from '../../src/testing';
import { until } from '../helpers/until';

describe('await using a client (Symbol.asyncDispose)', () => {
  let router: TestRouter;
  beforeAll(async () => {
    router = await startTestRouter();
  });
  afterAll(() => router.stop());

  it('leaves the router when the block ends, normally or by a throw', async () => {
    let kept: Client | undefined;
    {
      await using client = await connect({ url: router.url, reconnect: false });
      kept = client;
      expect(router.router.stats.sessions).toBe(1);
    }
    expect(kept.session).toBeUndefined();
    await expect(
      (async () => {
        await using client = await connect({ url: router.url, reconnect: false });
        kept = client;
        throw new Error('inside the block');
      })(),
    ).rejects.toThrow('inside the block');
    expect(kept.session).toBeUndefined();
    await until(() => router.router.stats.sessions === 0, { what: 'both sessions gone' });
  });
});
