import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { ServiceDefinitionError } from '../../src';
import { ServiceRunner } from '../../src/service/runner';
import { runServices } from '../../src/testing';
import { Shop } from '../fixtures/contracts/asks-proxy';
import { DupA } from '../fixtures/contracts/dup-a';
import { DupB, Other } from '../fixtures/contracts/dup-b';

/** Start-up refuses what would otherwise run side by side silently. */

const fixture = (name: string) => join(__dirname, '..', 'fixtures', 'contracts', name);

function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()).msg as string);
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, stream), lines };
}

describe('start-up conflicts', () => {
  it('refuses two classes with one service name, naming both files', async () => {
    const started = ServiceRunner.start({ services: [DupA, DupB], embedded: { listeners: [] } });
    await expect(started).rejects.toBeInstanceOf(ServiceDefinitionError);
    await expect(started).rejects.toThrow(
      `two service classes are named 'dup': DupA (${fixture('dup-a.ts')}) and DupB (${fixture('dup-b.ts')})`,
    );
  });

  it('runs several instances of one class', async () => {
    const system = await runServices([{ service: DupA, instances: 2 }]);
    await system.stop();
  });

  it('refuses two services claiming one procedure, naming both files', async () => {
    await expect(
      ServiceRunner.start({ services: [DupA, Other], embedded: { listeners: [] } }),
    ).rejects.toThrow(
      `procedure shared.proc is claimed by two services: DupA.shared (${fixture('dup-a.ts')}) and Other.shared (${fixture('dup-b.ts')})`,
    );
  });

  it('warns of a proxy to a service no loaded class declares', async () => {
    const { logger, lines } = capturingLogger();
    const runner = await ServiceRunner.start({ services: [Shop], embedded: { listeners: [] }, logger });
    await runner.stop();
    expect(lines).toContain(
      `rpcProxy('payments') in ${fixture('asks-proxy.ts')}: no loaded class declares service 'payments' (it may run elsewhere)`,
    );
  });
});
