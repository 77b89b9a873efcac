import { connect } from '../../src';
import { assertBuilt, killStarted, runCli, startCli } from './helpers/cli';

/** `wservice run file.ts:ClassName`: one class of a file (wampy's `wampy run module:App`). */

const FILE = 'test/fixtures/one-class/pair.service.ts';

beforeAll(assertBuilt);
afterEach(killStarted);

describe('wservice run file.ts:ClassName', () => {
  it('runs that one class and not the others of its file', async () => {
    const run = startCli(['run', `${FILE}:SecondService`, '--port', '0', '--log-level', 'warn']);
    await run.waitFor('stdout', 'Ctrl-C to stop');
    expect(run.stdout()).toMatch(/1 service on ws:/);
    expect(run.stdout()).toMatch(/pair_second\s+rpc\s+pair_second\.name\(\)/);
    expect(run.stdout()).not.toContain('pair_first');
    const url = /on (ws:\/\/\S+)/.exec(run.stdout())![1];
    const client = await connect({ url, reconnect: false });
    try {
      await expect(client.call('pair_second.name')).resolves.toBe('second');
      await expect(client.call('pair_first.name')).rejects.toMatchObject({
        uri: 'wamp.error.no_such_procedure',
      });
    } finally {
      await client.close();
    }
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('refuses a class the file does not export as a service, in one line', async () => {
    const result = await runCli(['run', `${FILE}:Missing`, '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: ${FILE}: no export named Missing (its @Service classes: FirstService, SecondService)\n`,
    );
  });
});
