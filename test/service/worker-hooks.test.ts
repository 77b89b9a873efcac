import { Injectable, Rpc, Service, type DependencyProvider, type WorkerContext } from '../../src';
import { runServices, type TestSystem } from '../../src/testing';
import { capturingLogger } from '../helpers/capturing-logger';

/**
 * The providers' worker hooks around a call: in the providers' order, each asynchronous hook
 * awaited before the next one runs, a hook that throws or rejects logged once without failing
 * the call, synchronous hooks and methods run to the end without waiting for a tick.
 */
const log: string[] = [];
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

@Injectable()
class Throws implements DependencyProvider {
  workerSetup(): void {
    log.push('throws setup');
    throw new Error('setup broke');
  }
  workerResult(): void {
    log.push('throws result');
  }
}

@Injectable()
class Waits implements DependencyProvider {
  async workerSetup(): Promise<void> {
    log.push('waits setup start');
    await tick();
    log.push('waits setup end');
  }
  async workerResult(): Promise<void> {
    await tick();
    log.push('waits result');
    throw new Error('result broke');
  }
}

@Injectable()
class Counts implements DependencyProvider {
  workerSetup(worker: WorkerContext): void {
    log.push(`counts setup ${worker.entrypoint.method}`);
  }
  workerResult(_worker: WorkerContext, result: unknown): void {
    log.push(`counts result ${String(result)}`);
  }
  workerTeardown(): void {
    log.push('counts teardown');
  }
}

@Service('hooked', { providers: [Throws, Waits, Counts] })
class Hooked {
  @Rpc()
  run(): string {
    log.push('method');
    return 'done';
  }
}

@Injectable()
class SyncOnly implements DependencyProvider {
  workerSetup(): void {
    log.push('sync setup');
    // Runs at the next tick: after the method if the setup hooks were not waited for.
    queueMicrotask(() => log.push('microtask'));
  }
  workerResult(): void {
    log.push('sync result');
  }
}

@Service('plain', { providers: [SyncOnly] })
class Plain {
  @Rpc()
  run(): string {
    log.push('method');
    return 'done';
  }
}

describe('worker hooks', () => {
  let system: TestSystem;
  let lines: Record<string, unknown>[];
  beforeAll(async () => {
    const captured = capturingLogger();
    lines = captured.lines;
    system = await runServices([Hooked, Plain], { logger: captured.logger });
  });
  afterAll(() => system.stop());
  beforeEach(() => {
    log.length = 0;
    lines.length = 0;
  });

  it('run in order, each asynchronous one awaited; failures logged once, the call answered', async () => {
    expect(await system.client.call('hooked.run')).toBe('done');
    expect(log).toEqual([
      'throws setup',
      'waits setup start',
      'waits setup end',
      'counts setup run',
      'method',
      'throws result',
      'waits result',
      'counts result done',
      'counts teardown',
    ]);
    expect(lines.map((l) => [l.msg, l.provider])).toEqual([
      ['dependency provider workerSetup hook failed', 'Throws'],
      ['dependency provider workerResult hook failed', 'Waits'],
    ]);
  });

  it('synchronous hooks and method run to the end without waiting for a tick', async () => {
    expect(await system.client.call('plain.run')).toBe('done');
    expect(log).toEqual(['sync setup', 'method', 'sync result', 'microtask']);
  });
});
