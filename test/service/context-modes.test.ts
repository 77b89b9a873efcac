import {
  Inject,
  Injectable,
  Rpc,
  Service,
  currentContext,
  rpcProxy,
  type DependencyProvider,
  type ServiceProxy,
  type WorkerContext,
} from '../../src';
import { runServices, type TestSystem } from '../../src/testing';

/**
 * The call context of a synchronous worker is current while it runs (no AsyncLocalStorage
 * entered, so no promise in the process pays a hook); an `async` worker's is current in its
 * awaits too; a method not written `async` that returns a promise gets the context back for
 * the providers' hooks that follow, and runs in AsyncLocalStorage from its next call on.
 */
const seen: Record<string, unknown>[] = [];
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

@Injectable()
class ContextSpy implements DependencyProvider {
  workerSetup(worker: WorkerContext): void {
    seen.push({ hook: 'setup', method: worker.entrypoint.method, current: currentContext()?.method });
  }
  workerResult(worker: WorkerContext): void {
    seen.push({ hook: 'result', method: worker.entrypoint.method, current: currentContext()?.method });
  }
}

/** A setup hook not written `async` that returns a promise: the method after it is in context still. */
@Injectable()
class LateSetup implements DependencyProvider {
  workerSetup(): Promise<void> {
    return tick();
  }
}

@Service('late', { providers: [LateSetup] })
class Late {
  @Rpc()
  plain(): string | undefined {
    return currentContext()?.method;
  }
}

@Service('inner')
class Inner {
  @Rpc()
  where(): string | undefined {
    // Called from another service's worker: this worker's own context, never the caller's.
    return `${currentContext()?.service}.${currentContext()?.method} ${currentContext()?.correlationId}`;
  }
}

@Service('modes', { providers: [ContextSpy] })
class Modes {
  constructor(@Inject(rpcProxy('inner')) private readonly inner: ServiceProxy<Inner>) {}

  @Rpc()
  plain(): string | undefined {
    return currentContext()?.method;
  }

  @Rpc()
  scheduled(): Promise<unknown> {
    // A plain method's context is not current in callbacks it schedules (it is in async methods).
    const during = currentContext()?.method;
    return new Promise((resolve) =>
      setImmediate(() => resolve([during, currentContext()?.method ?? 'none'])),
    );
  }

  @Rpc()
  async awaited(): Promise<unknown> {
    const before = currentContext()?.method;
    await tick();
    return [before, currentContext()?.method];
  }

  @Rpc()
  async chained(): Promise<unknown> {
    const mine = currentContext()!.correlationId;
    const inner = await this.inner.where();
    return [mine, inner, currentContext()?.method, currentContext()?.correlationId];
  }
}

describe('call context modes', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await runServices([Modes, Inner, Late]);
  });
  afterAll(() => system.stop());
  beforeEach(() => {
    seen.length = 0;
  });

  it('a synchronous method and its hooks see the context while they run; outside, none', async () => {
    expect(await system.client.call('modes.plain')).toBe('plain');
    expect(seen).toEqual([
      { hook: 'setup', method: 'plain', current: 'plain' },
      { hook: 'result', method: 'plain', current: 'plain' },
    ]);
    expect(currentContext()).toBeUndefined();
  });

  it('an async method sees its context after an await', async () => {
    expect(await system.client.call('modes.awaited')).toEqual(['awaited', 'awaited']);
    expect(seen.map((s) => s.current)).toEqual(['awaited', 'awaited']);
  });

  it('a plain method returning a promise: context while it runs, its hooks after it in context, AsyncLocalStorage from the next call', async () => {
    expect(await system.client.call('modes.scheduled')).toEqual(['scheduled', 'none']);
    expect(seen.map((s) => s.current)).toEqual(['scheduled', 'scheduled']);
    // Remembered: the next call of the same method runs in AsyncLocalStorage.
    expect(await system.client.call('modes.scheduled')).toEqual(['scheduled', 'scheduled']);
  });

  it('a synchronous method after a setup hook that returned a promise is in its context', async () => {
    expect(await system.client.call('late.plain')).toBe('plain');
    expect(await system.client.call('late.plain')).toBe('plain');
  });

  it('a call to another service nests its own context and restores the caller’s', async () => {
    const [mine, inner, method, after] = (await system.client.call('modes.chained')) as string[];
    expect(inner).toBe(`inner.where ${mine}`);
    expect(method).toBe('chained');
    expect(after).toBe(mine);
  });
});
