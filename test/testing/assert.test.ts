import { Rpc, Service, Subscribe } from '../../src';
import { assertStopsRaising, runServices } from '../../src/testing';

@Service('counter')
class Counter {
  private count = 0;
  @Subscribe('counter.bump')
  bump(): void {
    this.count += 1;
  }

  @Rpc()
  value(): number {
    return this.count;
  }
}

describe('assertStopsRaising', () => {
  it('retries an assertion over the network until it passes, returning its value', async () => {
    const system = await runServices([Counter]);
    try {
      for (let i = 0; i < 3; i++) await system.client.publish('counter.bump');
      let attempts = 0;
      const value = await assertStopsRaising(async () => {
        attempts += 1;
        const now = await system.client.call<number>('counter.value');
        expect(now).toBe(3);
        return now;
      });
      expect(value).toBe(3);
      expect(attempts).toBeGreaterThanOrEqual(1);
    } finally {
      await system.stop();
    }
  });

  it('rethrows the last failure once the time is up', async () => {
    let attempts = 0;
    const failing = assertStopsRaising(
      () => {
        attempts += 1;
        throw new Error(`still wrong (${attempts})`);
      },
      { timeout: 100, interval: 10 },
    );
    await expect(failing).rejects.toThrow(/^still wrong \((\d+)\)$/);
    const last = await failing.catch((e: Error) => e.message);
    expect(last).toBe(`still wrong (${attempts})`);
    expect(attempts).toBeGreaterThan(1);
  });
});
