import { until } from '../helpers/until';
import { RemoteError, Rpc, Service } from '../../src';
import { runServices, type TestSystem } from '../../src/testing';

/** Calls block until the test releases them. */
const gates: Array<() => void> = [];
let started = 0;

@Service('slow', { maxConcurrency: 2, maxQueued: 1, stopTimeout: 5000 })
class Slow {
  @Rpc()
  async work(tag: string): Promise<string> {
    started++;
    await new Promise<void>((resolve) => gates.push(resolve));
    return `done ${tag}`;
  }
}

describe('concurrency limit, queue bound and graceful stop', () => {
  let system: TestSystem;
  beforeEach(async () => {
    gates.length = 0;
    started = 0;
    system = await runServices([Slow]);
  });
  afterEach(async () => {
    for (const release of gates) release();
    await system?.stop();
  });

  it('runs maxConcurrency calls at once, queues maxQueued more, refuses the rest with wservice.error.overloaded', async () => {
    const calls = ['a', 'b', 'c'].map((tag) => system.client.call('slow.work', [tag]));
    await until(() => started === 2);
    const container = system.container('slow');
    await until(() => container.gate.queued === 1);
    const refused = await system.client.call('slow.work', ['d']).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RemoteError);
    expect((refused as RemoteError).uri).toBe('wservice.error.overloaded');
    expect(started).toBe(2);
    gates.splice(0).forEach((release) => release());
    await until(() => started === 3);
    gates.splice(0).forEach((release) => release());
    await expect(Promise.all(calls)).resolves.toEqual(['done a', 'done b', 'done c']);
  });

  it('stops gracefully: in-flight calls finish, new calls are refused, then it leaves', async () => {
    const inFlight = system.client.call('slow.work', ['x']);
    await until(() => started === 1);
    const stopping = system.container('slow').stop();
    // The procedure is unregistered first: a new call finds nobody.
    await until(() => system.container('slow').state === 'stopping');
    const refused = await system.client.call('slow.work', ['y']).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RemoteError);
    expect(['wamp.error.no_such_procedure', 'wservice.error.unavailable']).toContain(
      (refused as RemoteError).uri,
    );
    gates.splice(0).forEach((release) => release());
    await expect(inFlight).resolves.toBe('done x');
    await stopping;
    expect(system.container('slow').state).toBe('stopped');
    expect(system.container('slow').connection.session).toBeUndefined();
  });
});
