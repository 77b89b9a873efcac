import {
  CallLogger,
  Inject,
  Injectable,
  RemoteError,
  RemoteErrorClass,
  Rpc,
  Service,
  SETTINGS,
  WampError,
  currentContext,
  rpcProxy,
  type DependencyProvider,
  type ServiceProxy,
  type WorkerContext,
} from '../../src';
import { runServices, type TestSystem } from '../../src/testing';

/** A plain class, injected by type. */
@Injectable()
class Clock {
  now(): number {
    return 1_700_000_000_000;
  }
}

/** A dependency provider recording its worker hooks. */
@Injectable()
class Recorder implements DependencyProvider {
  readonly log: string[] = [];
  workerSetup(worker: WorkerContext): void {
    this.log.push(`setup ${worker.entrypoint.method}`);
  }
  workerResult(worker: WorkerContext, result: unknown, error?: unknown): void {
    this.log.push(`result ${worker.entrypoint.method} ${error ? 'error' : JSON.stringify(result)}`);
  }
  workerTeardown(worker: WorkerContext): void {
    this.log.push(`teardown ${worker.entrypoint.method}`);
  }
}

@RemoteErrorClass('tracker.error.unknown_parcel')
export class UnknownParcel extends WampError {
  constructor(id: string) {
    super('tracker.error.unknown_parcel', [`no parcel ${id}`], { id });
  }
}

@Service('tracker', { providers: [Recorder] })
class Tracker {
  constructor(
    readonly clock: Clock,
    readonly recorder: Recorder,
    @Inject(SETTINGS) readonly settings: Record<string, unknown>,
  ) {}

  @Rpc()
  async *follow(id: string): AsyncGenerator<string, string> {
    if (id === 'missing') throw new UnknownParcel(id);
    yield 'packed';
    yield 'shipped';
    return `delivered ${id} at ${this.clock.now()}`;
  }

  @Rpc({ timeout: 50 })
  async stuck(): Promise<string> {
    const signal = currentContext()!.signal;
    await new Promise((resolve) => signal.addEventListener('abort', resolve));
    return 'never seen';
  }

  @Rpc()
  hub(): unknown {
    return this.settings.hub;
  }

  @Rpc()
  whoCalls(): string | undefined {
    return currentContext()!.callerAuthid;
  }
}

@Service('frontdesk')
class Frontdesk {
  constructor(@Inject(rpcProxy(Tracker)) private readonly tracker: ServiceProxy<Tracker>) {}

  @Rpc()
  async status(id: string): Promise<{ final: string; steps: unknown[] }> {
    const steps: unknown[] = [];
    const final = await this.tracker.$with({ onProgress: (step) => steps.push(step) }).follow(id);
    return { final, steps };
  }

  @Rpc()
  async ask(): Promise<string | undefined> {
    return this.tracker.whoCalls();
  }

  @Rpc()
  async kind(id: string): Promise<string> {
    try {
      await this.tracker.follow(id);
      return 'found';
    } catch (err) {
      return err instanceof UnknownParcel ? `UnknownParcel ${err.kwargs.id}` : 'other';
    }
  }
}

describe('service features', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await runServices([Tracker, Frontdesk], {
      perService: { tracker: { settings: { hub: 'Lyon' } } },
    });
  });
  afterAll(() => system?.stop());

  it('streams an async generator as progressive results through a typed proxy', async () => {
    expect(await system.client.call('frontdesk.status', ['p1'])).toEqual({
      final: 'delivered p1 at 1700000000000',
      steps: ['packed', 'shipped'],
    });
  });

  it('re-creates a registered error class on the calling service', async () => {
    expect(await system.client.call('frontdesk.kind', ['missing'])).toBe('UnknownParcel missing');
  });

  it('times out an @Rpc with a timeout option and aborts its signal', async () => {
    const error = await system.client.call('tracker.stuck').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).uri).toBe('wamp.error.timeout');
  });

  it('injects plain classes by type, providers and settings; runs worker hooks around calls', async () => {
    const tracker = system.container('tracker').instance as Tracker;
    expect(tracker.clock).toBeInstanceOf(Clock);
    expect(await system.client.call('tracker.hub')).toBe('Lyon');
    expect(tracker.recorder.log.slice(-3)).toEqual(['setup hub', 'result hub "Lyon"', 'teardown hub']);
    // The same provider instance serves the hooks and the injection.
    expect(system.container('tracker').dependencies.resolve(Recorder)).toBe(tracker.recorder);
  });

  it('joins each service with authid = its name, which its callees see', async () => {
    expect(await system.client.call('frontdesk.ask')).toBe('frontdesk');
  });

  it('logs calls with the built-in CallLogger', () => {
    expect(system.container('tracker').dependencies.resolve(CallLogger)).toBeInstanceOf(CallLogger);
  });
});

describe('a service that fails to start', () => {
  it('stops the providers that had started and reports the failure', async () => {
    const log: string[] = [];
    @Injectable()
    class Tracked implements DependencyProvider {
      start(): void {
        log.push('start');
      }
      stop(): void {
        log.push('stop');
      }
    }
    @Service('fragile', { providers: [Tracked] })
    class Fragile {
      onStart(): void {
        throw new Error('cannot open the database');
      }
    }
    await expect(runServices([Fragile])).rejects.toThrow('cannot open the database');
    expect(log).toEqual(['start', 'stop']);
  });
});
