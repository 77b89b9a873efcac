import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(__dirname, '..', '..');
const script = join(root, 'test', 'fixtures', 'gc-regime', 'promoted.js');

/*
 * Issue 16: after one full GC, the per-call objects of a long-lived process were kept alive
 * through every scavenge (the tables of calls in flight, promoted by the full GC, linked to
 * each later one), so each scavenge promoted megabytes and a call cost 3x. After a full GC,
 * calls must leave the old generation as they found it. Measured in a fresh process: a jest
 * worker's heap carries what earlier test files left in it.
 */
describe('calls after a full GC', () => {
  it('promote next to nothing into the old generation (client and router state per call)', async () => {
    if (!existsSync(join(root, 'dist', 'src', 'router', 'index.js'))) {
      throw new Error('this test runs the build: `npm run build` first (npm test does)');
    }
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', script], {
      env: { ...process.env, WSERVICE_LOG_LEVEL: 'warn' },
    });
    const promoted = Number(stdout.trim());
    // With the Map tables, 40k calls promoted about 13 MB here; the calls' own state is a few KB.
    expect(promoted).toBeGreaterThanOrEqual(0);
    expect(promoted).toBeLessThan(2 * 2 ** 20);
  }, 60_000);
});
