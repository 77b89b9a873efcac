import { WampError } from '../../src/protocol/errors';
import { ConcurrencyGate } from '../../src/service/concurrency';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('ConcurrencyGate', () => {
  it('runs at most `limit` at once, queues up to the bound, then refuses', async () => {
    const gate = new ConcurrencyGate(2, 1, 'svc');
    const blockers = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = blockers.map((b, i) =>
      gate.run(async () => {
        started.push(i);
        await b.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(gate.queued).toBe(1);
    await expect(gate.run(() => 'x')).rejects.toMatchObject({ uri: 'wservice.error.overloaded' });
    blockers[0].resolve();
    await runs[0];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    blockers[1].resolve();
    blockers[2].resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect(gate.active).toBe(0);
  });

  it('refuses new calls after close and reports idle once in-flight work ends', async () => {
    const gate = new ConcurrencyGate(1, 10, 'svc');
    const b = deferred();
    const run = gate.run(() => b.promise);
    gate.close();
    await expect(gate.run(() => 1)).rejects.toBeInstanceOf(WampError);
    await expect(gate.run(() => 1)).rejects.toMatchObject({ uri: 'wservice.error.unavailable' });
    expect(await gate.idle(10)).toBe(false);
    const idle = gate.idle(5000);
    b.resolve();
    await run;
    expect(await idle).toBe(true);
  });
});
