import { mkdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type Client } from '../../src';
import { until } from '../helpers/until';
import { assertBuilt, killStarted, ROOT, startCli } from './helpers/cli';

/**
 * `wservice run --watch` against how editors save: in place, and atomically (a temporary file
 * renamed over the old one, as `sed -i` and JetBrains' "safe write" do), again and again; new
 * and deleted files; a save that does not compile.
 */

beforeAll(assertBuilt);
afterEach(killStarted);

const service = (name: string, methods: string) =>
  [
    "import { Rpc, Service } from 'wservice';",
    `@Service('${name}')`,
    `export class ${name[0].toUpperCase()}${name.slice(1)}Service {`,
    methods,
    '}',
    '',
  ].join('\n');
const count = (n: number) => `  @Rpc()\n  count(): number {\n    return ${n};\n  }\n`;
const total = '  @Rpc()\n  total(): number {\n    return 100;\n  }\n';

/** Saves as an editor's "safe write" does: a new file renamed over the old one. */
function atomicSave(file: string, text: string): void {
  const temp = `${file}.tmp~`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

describe('wservice run --watch', () => {
  const dir = join(ROOT, 'test', 'fixtures', `watch-atomic-${process.pid}`);
  const billing = join(dir, 'billing.service.ts');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps up with atomic saves, new and deleted files and a broken save, reprinting the summary', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(billing, service('billing', count(1)));
    const run = startCli(['run', dir, '--port', '0', '--watch', '--log-level', 'warn']);
    await run.waitFor('stdout', 'Ctrl-C to stop');
    const url = /on (ws:\/\/\S+)/.exec(run.stdout())![1];
    const client: Client = await connect({ url, reconnect: false });
    const answers = (procedure: string, expected: unknown, what: string) =>
      until(
        async () => {
          const answer = await client.call(procedure).catch((e: Error) => e.message);
          return typeof expected === 'string' && typeof answer === 'string'
            ? answer.includes(expected)
            : answer === expected;
        },
        {
          what,
          timeout: 20_000,
          every: 100,
        },
      );
    const summaries = () => run.stdout().split('Ctrl-C to stop').length - 1;
    try {
      expect(await client.call('billing.count')).toBe(1);

      atomicSave(billing, service('billing', count(2) + total));
      await answers('billing.total', 100, 'the new @Rpc after the first atomic save');
      expect(await client.call('billing.count')).toBe(2);
      await until(() => summaries() >= 2, { what: 'the summary again' });
      expect(run.stdout().split('Ctrl-C to stop')[1]).toContain('billing.total()');

      // The save that used to be missed: the second one after a rename.
      atomicSave(billing, service('billing', count(3) + total));
      await answers('billing.count', 3, 'the second atomic save');

      atomicSave(billing, service('billing', count(4) + '  oops(: number {\n'));
      await until(() => /reload failed/.test(run.stdout() + run.stderr()), { what: 'the compile error' });
      expect(await client.call('billing.count')).toBe(3);
      atomicSave(billing, service('billing', count(5)));
      await answers('billing.count', 5, 'the save after the broken one');

      const shipping = join(dir, 'shipping.service.ts');
      writeFileSync(shipping, service('shipping', '  @Rpc()\n  ping(): string {\n    return "pong";\n  }\n'));
      await answers('shipping.ping', 'pong', 'a new file');
      unlinkSync(shipping);
      await answers(
        'shipping.ping',
        'no callee has registered "shipping.ping"',
        "the deleted file's service gone",
      );
      expect(await client.call('billing.count')).toBe(5);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    } finally {
      await client.close();
    }
  }, 120_000);
});
