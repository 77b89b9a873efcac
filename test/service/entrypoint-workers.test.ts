import {
  EventDispatcher,
  Http,
  Rpc,
  Service,
  Subscribe,
  Timer,
  currentContext,
  type WorkerContext,
} from '../../src';
import { runServices, type TestSystem } from '../../src/testing';
import { capturingLogger } from '../helpers/capturing-logger';
import { until } from '../helpers/until';

/**
 * Every entrypoint kind keeps one `EntrypointWorkers` for all its calls, as `@Rpc` does: what
 * it remembers (whether the method awaits) must not change what a call does. A handler that
 * throws at once and one that rejects later are each reported once, as before; a method not
 * written `async` that starts returning a promise is awaited, and from its next call on runs
 * in AsyncLocalStorage (its context seen after its own awaits).
 */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const fail = (how: string) => new Error(`${how} failure`);

/** What the shifting methods return: a value, or (once switched) a promise of where they ran. */
const late = { promise: false };
function shifting(): unknown {
  if (!late.promise) return 'sync';
  const during = currentContext()?.method;
  return tick().then(() => `${during} then ${currentContext()?.method ?? 'none'}`);
}

@Service('flaky')
class Flaky {
  static ticks = { sync: 0, async: 0 };
  @Subscribe('flaky.sync')
  onSync(_event?: object): void {
    throw fail('broadcast sync');
  }

  @Subscribe('flaky.async')
  async onAsync(_event?: object): Promise<void> {
    await tick();
    throw fail('broadcast async');
  }

  @Subscribe('flaky.pool.sync', { delivery: 'pool' })
  onPoolSync(_event?: object): void {
    throw fail('pool sync');
  }

  @Subscribe('flaky.pool.async', { delivery: 'pool' })
  async onPoolAsync(_event?: object): Promise<void> {
    await tick();
    throw fail('pool async');
  }

  @Subscribe('flaky.shift')
  onShift(_event?: object): unknown {
    return shifting();
  }

  @Subscribe('flaky.pool.shift', { delivery: 'pool' })
  onPoolShift(_event?: object): unknown {
    return shifting();
  }

  @Subscribe('flaky.direct.shift')
  onDirectShift(_event?: object): unknown {
    return shifting();
  }

  @Timer(20)
  tickSync(): void {
    if (Flaky.ticks.sync++ < 2) throw fail('timer sync');
  }

  @Timer(20)
  async tickAsync(): Promise<void> {
    await tick();
    if (Flaky.ticks.async++ < 2) throw fail('timer async');
  }

  @Http('GET', '/sync')
  httpSync(): string {
    throw fail('http sync');
  }

  @Http('GET', '/async')
  async httpAsync(): Promise<string> {
    await tick();
    throw fail('http async');
  }

  @Http('GET', '/shift')
  httpShift(): unknown {
    return shifting();
  }
}

/** Events come from another service: a session hears no event of its own (exclude_me). */
@Service('sender')
class Sender {
  constructor(private readonly dispatcher: EventDispatcher) {}

  @Rpc()
  send(topic: string): Promise<void> {
    return this.dispatcher.dispatch(topic, {});
  }
}

describe('entrypoints that keep their workers', () => {
  let system: TestSystem;
  const { logger, lines } = capturingLogger('info');
  const outcomes: { method: string; result: unknown; error: unknown }[] = [];

  beforeAll(async () => {
    system = await runServices([Flaky, Sender], { logger });
    system.container('flaky').onWorkerDone(({ worker, result, error }) => {
      outcomes.push({ method: (worker as WorkerContext).entrypoint.method, result, error });
    });
  });
  afterAll(() => system.stop());
  beforeEach(() => {
    late.promise = false;
  });

  const dispatch = (topic: string) => system.client.call('sender.send', [topic]);
  /** The log lines that name `text` (the error's message, in `err` or in `msg`). */
  const linesOf = (text: string) => lines.filter((l) => JSON.stringify(l).includes(text));
  const outcomesOf = (method: string) => outcomes.filter((o) => o.method === method);

  it.each([
    ['broadcast', 'flaky.sync', 'flaky.async'],
    ['pool', 'flaky.pool.sync', 'flaky.pool.async'],
  ])('%s events: a handler failing at once or later is logged once per event', async (kind, sync, async) => {
    for (let i = 0; i < 2; i++) {
      await dispatch(sync);
      await dispatch(async);
    }
    await until(() => linesOf(`${kind} async failure`).length >= 2, { what: `${kind} async lines` });
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const [how, topic] of [
      ['sync', sync],
      ['async', async],
    ]) {
      const logged = linesOf(`${kind} ${how} failure`);
      // The call logger's line; a pool event's sender also says its delivery failed.
      const perEvent = [[50, `subscribe ${topic} threw`]];
      if (kind === 'pool') perEvent.push([50, 'pool event delivery failed']);
      expect(logged.map((l) => [l.level, l.msg])).toEqual([...perEvent, ...perEvent]);
    }
  });

  it('timer ticks: a tick failing at once or later is logged as before, and the timer goes on', async () => {
    await until(() => Flaky.ticks.sync > 3 && Flaky.ticks.async > 3, { what: 'ticks' });
    for (const [how, method] of [
      ['sync', 'tickSync'],
      ['async', 'tickAsync'],
    ]) {
      const logged = linesOf(`timer ${how} failure`);
      // The call logger's line, then the timer's own: per failed tick, as before.
      expect(logged.map((l) => [l.level, l.msg])).toEqual([
        [50, `timer ${method} threw`],
        [50, 'timer tick failed'],
        [50, `timer ${method} threw`],
        [50, 'timer tick failed'],
      ]);
    }
  });

  it('@Http: a route failing at once or later answers 500 and is logged once per request', async () => {
    for (const how of ['sync', 'async']) {
      for (let i = 0; i < 2; i++) {
        const response = await fetch(`${system.httpUrl}/${how}`);
        expect(response.status).toBe(500);
        await response.arrayBuffer();
      }
      expect(linesOf(`http ${how} failure`).map((l) => [l.level, l.msg])).toEqual([
        [50, `http /${how} threw`],
        [50, `http /${how} threw`],
      ]);
    }
  });

  it("the container's direct calls fail as the method did, at once or later, logged once", async () => {
    const container = system.container('flaky');
    await expect(container.runEntrypoint('onSync')).rejects.toThrow('broadcast sync failure');
    await expect(container.runEntrypoint('onAsync')).rejects.toThrow('broadcast async failure');
    await expect(container.runEntrypoint('httpSync')).rejects.toThrow('http sync failure');
    await expect(container.runEntrypoint('httpAsync')).rejects.toThrow('http async failure');
    // Each direct call's failure is one more line of the call logger.
    expect(linesOf('broadcast sync failure')).toHaveLength(3);
    expect(linesOf('broadcast async failure')).toHaveLength(3);
    expect(linesOf('http sync failure')).toHaveLength(3);
    expect(linesOf('http async failure')).toHaveLength(3);
  });

  it.each([
    ['broadcast', 'onShift', () => dispatch('flaky.shift')],
    ['pool', 'onPoolShift', () => dispatch('flaky.pool.shift')],
    [
      'http',
      'httpShift',
      async () => {
        const response = await fetch(`${system.httpUrl}/shift`);
        expect(response.status).toBe(200);
        await response.arrayBuffer();
      },
    ],
    ['direct', 'onDirectShift', () => system.container('flaky').runEntrypoint('onDirectShift')],
  ])(
    '%s: a method that starts returning a promise is awaited, then runs in AsyncLocalStorage',
    async (_kind, method, deliver) => {
      outcomes.length = 0;
      await deliver();
      await until(() => outcomesOf(method).length === 1, { what: 'the first worker' });
      late.promise = true;
      await deliver();
      await until(() => outcomesOf(method).length === 2, { what: 'the second worker' });
      await deliver();
      await until(() => outcomesOf(method).length === 3, { what: 'the third worker' });
      // The workers end with the promises' values: each promise was awaited. The first promise's
      // callback runs outside the worker's context (not yet in AsyncLocalStorage), the next inside.
      const [first, second, third] = outcomesOf(method).map((o) => o.result);
      expect(first).toBe('sync');
      expect(second).toMatch(new RegExp(`^${method} then `));
      expect(second).not.toBe(`${method} then ${method}`);
      expect(third).toBe(`${method} then ${method}`);
    },
  );
});
