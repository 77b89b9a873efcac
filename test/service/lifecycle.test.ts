import { createServer, type AddressInfo } from 'node:net';
import pino from 'pino';
import {
  connect,
  currentContext,
  ErrorCode,
  Rpc,
  Service,
  ServiceRunner,
  Timer,
  type DependencyProvider,
  type ServiceRunnerOptions,
  TransportError,
} from '../../src';
import { container as rootContainer } from 'tsyringe';
import { transportFor } from '../../src/client/url';
import { Router } from '../../src/router/router';
import { ServiceContainer } from '../../src/service/container';
import { readServiceDefinition } from '../../src/service/metadata';
import { capturingLogger } from '../helpers/capturing-logger';
import { until } from '../helpers/until';

/**
 * The shared lifecycle (issue 9): nothing a service started outlives `kill()`, `stop()` or a
 * rejected `start()`, and every hook has a deadline.
 */

/** What the providers and services of this file did, in order. */
const journal: string[] = [];
/** Ticks of every `@Timer` of this file, by service. */
const ticks = new Map<string, number>();
const tick = (name: string): void => void ticks.set(name, (ticks.get(name) ?? 0) + 1);
/** Never settles: a hung hook. */
const forever = (): Promise<void> => new Promise<void>(() => undefined);

class FirstProvider implements DependencyProvider {
  start(): void {
    journal.push('first.start');
  }
  stop(): void {
    journal.push('first.stop');
  }
  kill(): void {
    journal.push('first.kill');
  }
}

class SecondProvider implements DependencyProvider {
  start(): void {
    journal.push('second.start');
  }
  stop(): void {
    journal.push('second.stop');
  }
}

class FailingProvider implements DependencyProvider {
  start(): void {
    journal.push('failing.start');
    throw new Error('the database is down');
  }
  stop(): void {
    journal.push('failing.stop');
  }
}

class HungStartProvider implements DependencyProvider {
  start(): Promise<void> {
    journal.push('hung.start');
    return forever();
  }
  stop(): void {
    journal.push('hung.stop');
  }
}

class HungStopProvider implements DependencyProvider {
  stop(): Promise<void> {
    journal.push('hung.stop');
    return forever();
  }
}

/** Its `dispose` hangs: the DI container's dispose phase. */
class HungDisposeProvider {
  dispose(): Promise<void> {
    journal.push('hung.dispose');
    return forever();
  }
}

@Service('lc_worker', { providers: [FirstProvider, SecondProvider] })
class WorkerService {
  aborted = 0;

  @Rpc()
  async hang(): Promise<string> {
    const signal = currentContext()!.signal;
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    this.aborted++;
    throw signal.reason;
  }

  @Timer(10, { eager: true })
  beat(): void {
    tick('lc_worker');
  }
}

@Service('lc_ticker')
class TickerService {
  @Timer(10, { eager: true })
  beat(): void {
    tick('lc_ticker');
  }
}

@Service('lc_taken')
class TakenService {
  @Rpc()
  taken(): string {
    return 'mine';
  }
}

@Service('lc_bad_provider', { providers: [FirstProvider, FailingProvider, SecondProvider] })
class BadProviderService {
  @Timer(10, { eager: true })
  beat(): void {
    tick('lc_bad_provider');
  }
}

@Service('lc_bad_start', { providers: [FirstProvider] })
class BadStartService {
  onStart(): void {
    journal.push('onStart');
    throw new Error('no config');
  }
  onStop(): void {
    journal.push('onStop');
  }

  @Rpc()
  ping(): string {
    return 'pong';
  }

  @Timer(10, { eager: true })
  beat(): void {
    tick('lc_bad_start');
  }
}

@Service('lc_hung_start', { providers: [FirstProvider] })
class HungOnStartService {
  onStart(): Promise<void> {
    journal.push('onStart');
    return forever();
  }

  @Timer(10, { eager: true })
  beat(): void {
    tick('lc_hung_start');
  }
}

@Service('lc_hung_provider', { providers: [FirstProvider, HungStartProvider] })
class HungProviderService {
  @Timer(10, { eager: true })
  beat(): void {
    tick('lc_hung_provider');
  }
}

@Service('lc_hung_stop', { providers: [HungStopProvider, HungDisposeProvider, SecondProvider] })
class HungStopService {
  onStop(): Promise<void> {
    journal.push('onStop');
    return forever();
  }

  @Rpc()
  ping(): string {
    return 'pong';
  }

  @Timer(10, { eager: true })
  beat(): void {
    tick('lc_hung_stop');
  }
}

/** A loopback port nobody listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** True when `port` can be listened on again: nothing of ours holds it. */
async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Waits `ms` and says whether `count()` stayed the same meanwhile (nothing fires afterwards). */
async function staysAt(count: () => number, ms = 300): Promise<boolean> {
  const before = count();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return count() === before;
}

const count = (name: string) => (): number => ticks.get(name) ?? 0;
const embeddedOn = (port: number) => ({
  listeners: [{ type: 'websocket' as const, host: '127.0.0.1', port, path: '/ws' }],
});
const quiet = pino({ level: 'silent' });

/** A router the test owns, to read `router.stats` after the runner gave up. */
async function ownRouter(): Promise<Router> {
  return Router.start({ ...embeddedOn(0), logger: quiet });
}

/** Waits until the router holds `transports` links (it learns of a closed one a moment later), then reads its stats. */
async function statsOnceClosed(router: Router, transports = 0) {
  await until(() => router.stats.transports === transports, { what: `${transports} links left` });
  return router.stats;
}

const emptyStats = { sessions: 0, transports: 0, registrations: 0, subscriptions: 0, callsInFlight: 0 };

beforeEach(() => {
  journal.length = 0;
  ticks.clear();
});

describe('ServiceRunner.kill', () => {
  it('stops timers, aborts in-flight calls, kills providers, leaves the router and frees its port', async () => {
    const port = await freePort();
    const runner = await ServiceRunner.start({
      services: [WorkerService],
      embedded: embeddedOn(port),
      logger: quiet,
    });
    const worker = runner.container('lc_worker').instance as WorkerService;
    const client = await connect({ url: runner.routerUrl, realm: runner.realm, reconnect: false });
    try {
      const calls = [client.call('lc_worker.hang'), client.call('lc_worker.hang')].map((call) =>
        call.then(
          () => 'answered',
          () => 'failed',
        ),
      );
      await until(() => runner.container('lc_worker').gate.active === 2, { what: 'two calls in flight' });
      await until(() => count('lc_worker')() >= 2, { what: 'the timer ticking' });
      journal.length = 0;

      await runner.kill();

      expect(worker.aborted).toBe(2);
      // Providers are killed (kill when they have one, stop otherwise), each once.
      expect(journal.sort()).toEqual(['first.kill', 'second.stop']);
      expect(runner.container('lc_worker').state).toBe('stopped');
      expect(await Promise.all(calls)).toEqual(['failed', 'failed']);
      expect(await staysAt(count('lc_worker'))).toBe(true);
      expect(await portIsFree(port)).toBe(true);
      expect(journal.sort()).toEqual(['first.kill', 'second.stop']);
    } finally {
      await client.close().catch(() => undefined);
    }
  });

  it('stops the timers and sessions of services on a router it does not own', async () => {
    const router = await ownRouter();
    try {
      const runner = await ServiceRunner.start({
        services: [WorkerService, TickerService],
        routerInstance: router,
        logger: quiet,
      });
      await until(() => count('lc_ticker')() >= 2 && count('lc_worker')() >= 2, { what: 'timers ticking' });
      await runner.kill();
      await runner.kill(); // idempotent
      expect(await staysAt(() => count('lc_ticker')() + count('lc_worker')())).toBe(true);
      expect(await statsOnceClosed(router)).toMatchObject(emptyStats);
    } finally {
      await router.stop();
    }
  });
});

describe('a ServiceRunner.start that fails leaves nothing behind', () => {
  it('checks options before it starts the router', async () => {
    const port = await freePort();
    const bad: Partial<ServiceRunnerOptions>[] = [
      { perService: { lc_ticker: { instances: 0 } } },
      { perService: { lc_ticker: { maxConcurrency: 0 } } },
      { perService: { lc_ticker: { hookTimeouts: { onStop: -1 } } } },
      { hookTimeouts: { onStrat: 10 } as never },
      { reconnect: { initialDelay: -5 } },
      { inProcess: false, embedded: { listeners: [] } },
    ];
    for (const options of bad) {
      const error = await ServiceRunner.start({
        services: [TickerService],
        embedded: embeddedOn(port),
        logger: quiet,
        ...options,
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.SERVICE_OPTIONS });
      expect(await portIsFree(port)).toBe(true);
    }
    const badUrl = await ServiceRunner.start({
      services: [TickerService],
      router: 'http://x',
      logger: quiet,
    }).catch((e: unknown) => e);
    expect(badUrl).toBeInstanceOf(TransportError);
    expect(await staysAt(count('lc_ticker'), 100)).toBe(true);
    expect(count('lc_ticker')()).toBe(0);
  });

  it('when the router cannot listen: no listener stays open, no service starts', async () => {
    const first = await freePort();
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const taken = (busy.address() as AddressInfo).port;
      const error = await ServiceRunner.start({
        services: [TickerService],
        embedded: { listeners: [...embeddedOn(first).listeners, ...embeddedOn(taken).listeners] },
        logger: quiet,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(await portIsFree(first)).toBe(true);
      expect(count('lc_ticker')()).toBe(0);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  it('when one container fails (procedure_already_exists): the others are stopped, no timer runs on', async () => {
    const router = await ownRouter();
    const squatter = await connect({ url: router.clientUrl, realm: 'realm1', reconnect: false });
    try {
      await squatter.register('lc_taken.taken', () => 'squatter');
      // Over WebSocket: in-process services reserve their URIs, which would evict the squatter.
      const error = await ServiceRunner.start({
        services: [TickerService, WorkerService, TakenService],
        routerInstance: router,
        inProcess: false,
        logger: quiet,
      }).catch((e: unknown) => e);
      if (error instanceof ServiceRunner) await error.kill();
      expect(error).toMatchObject({ uri: 'wamp.error.procedure_already_exists' });
      expect(await staysAt(() => count('lc_ticker')() + count('lc_worker')())).toBe(true);
      // The started providers were stopped; only the squatter remains on the router.
      expect(journal.filter((e) => e.endsWith('.stop')).sort()).toEqual(['first.stop', 'second.stop']);
      expect(await statsOnceClosed(router, 1)).toMatchObject({
        ...emptyStats,
        sessions: 1,
        transports: 1,
        registrations: 1,
      });
    } finally {
      await squatter.close();
      await router.stop();
    }
  });

  it("when a provider's start throws: the providers before it are stopped, it and those after are not", async () => {
    const router = await ownRouter();
    try {
      const error = await ServiceRunner.start({
        services: [BadProviderService],
        routerInstance: router,
        logger: quiet,
      }).catch((e: unknown) => e);
      expect((error as Error).message).toBe('the database is down');
      expect(journal).toEqual(['first.start', 'failing.start', 'first.stop']);
      expect(count('lc_bad_provider')()).toBe(0);
      expect(await statsOnceClosed(router)).toMatchObject(emptyStats);
    } finally {
      await router.stop();
    }
  });

  it('when onStart throws: providers stopped, session closed, no entrypoint opened, onStop not run', async () => {
    const router = await ownRouter();
    try {
      const error = await ServiceRunner.start({
        services: [BadStartService, TickerService],
        routerInstance: router,
        logger: quiet,
      }).catch((e: unknown) => e);
      expect((error as Error).message).toBe('no config');
      expect(journal).toEqual(['first.start', 'onStart', 'first.stop']);
      expect(count('lc_bad_start')()).toBe(0);
      expect(await staysAt(count('lc_ticker'))).toBe(true);
      expect(await statsOnceClosed(router)).toMatchObject(emptyStats);
    } finally {
      await router.stop();
    }
  });
});

describe('hook deadlines', () => {
  it('a hung onStart fails the start at its deadline, logged once, and undoes the start', async () => {
    const router = await ownRouter();
    const { logger, lines } = capturingLogger();
    try {
      const error = await ServiceRunner.start({
        services: [HungOnStartService],
        routerInstance: router,
        logger,
        hookTimeouts: { onStart: 100 },
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: ErrorCode.HOOK_TIMEOUT,
        service: 'lc_hung_start',
        hook: 'onStart',
      });
      const logged = lines.filter((l) => l.hook === 'onStart');
      expect(logged).toEqual([
        expect.objectContaining({ service: 'lc_hung_start', timeoutMs: 100, level: 40 }),
      ]);
      expect(journal).toEqual(['first.start', 'onStart', 'first.stop']);
      expect(count('lc_hung_start')()).toBe(0);
      expect(await statsOnceClosed(router)).toMatchObject(emptyStats);
    } finally {
      await router.stop();
    }
  });

  it("a hung provider start fails the start at its deadline; that provider's stop is still called", async () => {
    const router = await ownRouter();
    const { logger, lines } = capturingLogger();
    try {
      const error = await ServiceRunner.start({
        services: [HungProviderService],
        routerInstance: router,
        logger,
        perService: { lc_hung_provider: { hookTimeouts: { providerStart: 100 } } },
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.HOOK_TIMEOUT, hook: 'HungStartProvider.start' });
      expect(lines.filter((l) => l.hook === 'HungStartProvider.start')).toHaveLength(1);
      expect(journal.slice(0, 2)).toEqual(['first.start', 'hung.start']);
      expect(journal.slice(2).sort()).toEqual(['first.stop', 'hung.stop']);
      expect(await statsOnceClosed(router)).toMatchObject(emptyStats);
    } finally {
      await router.stop();
    }
  });

  it('a kill during a hung start ends it at once and kills what had started', async () => {
    const router = await ownRouter();
    try {
      const container = new ServiceContainer({
        definition: readServiceDefinition(HungOnStartService),
        di: rootContainer.createChildContainer(),
        connection: { realm: 'realm1', transport: transportFor(router.clientUrl!), reconnect: false },
        logger: quiet,
        hookTimeouts: { onStart: 60_000 },
      });
      const started = container.start().catch((e: unknown) => e);
      await until(() => journal.includes('onStart'), { what: 'onStart running' });
      await container.kill();
      expect(await started).toMatchObject({
        code: ErrorCode.SERVICE_STATE,
        message: 'service lc_hung_start was killed',
      });
      expect(container.state).toBe('stopped');
      expect(journal).toEqual(['first.start', 'onStart', 'first.kill']);
      expect(await statsOnceClosed(router)).toMatchObject(emptyStats);
      expect(count('lc_hung_start')()).toBe(0);
    } finally {
      await router.stop();
    }
  });

  it('hung onStop, provider stop and dispose are each given up at their deadline, logged once; the stop goes on', async () => {
    const router = await ownRouter();
    const { logger, lines } = capturingLogger();
    try {
      const runner = await ServiceRunner.start({
        services: [HungStopService],
        routerInstance: router,
        logger,
        hookTimeouts: { onStop: 100, providerStop: 100, dispose: 100 },
      });
      await until(() => count('lc_hung_stop')() >= 1, { what: 'the timer ticking' });
      await runner.stop();
      expect(await staysAt(count('lc_hung_stop'))).toBe(true);
      const timeouts = lines.filter((l) => l.timeoutMs !== undefined);
      expect(timeouts.map((l) => l.hook).sort()).toEqual(['HungStopProvider.stop', 'dispose', 'onStop']);
      for (const line of timeouts)
        expect(line).toMatchObject({ service: 'lc_hung_stop', timeoutMs: 100, level: 40 });
      expect(journal).toEqual(expect.arrayContaining(['onStop', 'hung.stop', 'second.stop', 'hung.dispose']));
      expect(await statsOnceClosed(router)).toMatchObject(emptyStats);
    } finally {
      await router.stop();
    }
  });
});
