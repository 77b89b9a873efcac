import { connect, Rpc, Service, ServiceRunner, WampError, WServiceMetrics, type Client } from '../../src';
import { createLogger } from '../../src/logger';
import { SNAPSHOT_PROCEDURE, type MetricsSnapshot } from '../../src/observability';

@Service('meter')
class MeterService {
  @Rpc()
  read(fail: boolean = false): number {
    if (fail) throw new WampError('meter.error.broken');
    return 42;
  }
}

@Service('gauge')
class GaugeService {
  @Rpc()
  level(): number {
    return 7;
  }
}

const quiet = () => createLogger({ level: 'silent' });

describe('wservice.metrics.snapshot', () => {
  let front: ServiceRunner;
  let back: ServiceRunner;
  let client: Client;

  beforeAll(async () => {
    // Two runners with their own registries, as two processes would be, on one router (the
    // second in-process: on the default realm an anonymous session may not register wservice.*).
    front = await ServiceRunner.start({
      services: [MeterService],
      embedded: { listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0, path: '/ws' }] },
      logger: quiet(),
      metrics: new WServiceMetrics({ processMetrics: false }),
      publishMetrics: true,
    });
    back = await ServiceRunner.start({
      services: [GaugeService],
      routerInstance: front.router!,
      logger: quiet(),
      metrics: new WServiceMetrics({ processMetrics: false }),
      publishMetrics: true,
    });
    client = await connect({ url: front.routerUrl!, reconnect: false });
  });
  afterAll(async () => {
    await client?.close();
    await back?.stop();
    await front?.stop();
  });

  it("adds up every process's per-procedure calls, errors and timed seconds", async () => {
    const before = Date.now();
    for (let i = 0; i < 6; i++) await client.call('meter.read');
    await expect(client.call('meter.read', [true])).rejects.toMatchObject({ uri: 'meter.error.broken' });
    await client.call('gauge.level');
    const snapshot = await client.call<MetricsSnapshot>(SNAPSHOT_PROCEDURE);
    expect(snapshot.at).toBeGreaterThanOrEqual(before);
    const meter = snapshot.procedures.find((p) => p.procedure === 'meter.read')!;
    expect(meter).toMatchObject({ service: 'meter', calls: 7, errors: 1, count: 7 });
    expect(meter.seconds).toBeGreaterThan(0);
    expect(snapshot.procedures.find((p) => p.procedure === 'gauge.level')).toMatchObject({
      service: 'gauge',
      calls: 1,
      errors: 0,
    });
    // Each registry answers its own part under its own key.
    const { exact } = await client.call<{ exact: number[] }>('wamp.registration.list');
    const parts = await Promise.all(
      exact.map(async (id) => (await client.call<{ uri: string }>('wamp.registration.get', [id])).uri),
    );
    const own = parts.filter((uri) => uri.startsWith(`${SNAPSHOT_PROCEDURE}.`));
    expect(own).toHaveLength(2);
    const counted = await Promise.all(own.map((uri) => client.call<MetricsSnapshot>(uri)));
    const names = counted.map((part) => part.procedures.map((p) => p.procedure).sort());
    expect(names.sort()).toEqual([['gauge.level'], ['meter.read']]);
  });

  it('is not registered unless the runner is asked to publish it', async () => {
    const plain = await ServiceRunner.start({
      services: [GaugeService],
      embedded: { listeners: [] },
      logger: quiet(),
      metrics: new WServiceMetrics({ processMetrics: false }),
    });
    try {
      const local = plain.router!;
      const caller = await connect({
        reconnect: false,
        transport: async () => {
          const { createInProcessPair } = await import('../../src/transport/inprocess');
          const [near, far] = createInProcessPair();
          local.attach(far);
          return near;
        },
      });
      await expect(caller.call(SNAPSHOT_PROCEDURE)).rejects.toMatchObject({
        uri: 'wamp.error.no_such_procedure',
      });
      await caller.close();
    } finally {
      await plain.stop();
    }
  });
});
