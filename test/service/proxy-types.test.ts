import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const fixtures = join(__dirname, '..', 'fixtures', 'proxy-types');
const tsc = join(__dirname, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc');

describe('ServiceProxy types', () => {
  it('make tsc reject a proxy call with a wrong argument type or a wrong result use', () => {
    const run = spawnSync(process.execPath, [tsc, '-p', join(fixtures, 'tsconfig.json')], {
      encoding: 'utf8',
    });
    const errors = run.stdout.split('\n').filter((line) => line.includes('error TS'));
    expect(run.status).not.toBe(0);
    // Only the deliberately wrong file fails, at the two wrong lines.
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(
      /wrong-call\.fail\.ts\(6,\d+\): error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'/,
    );
    expect(errors[1]).toMatch(/wrong-call\.fail\.ts\(7,\d+\): error TS2339: Property 'price' does not exist/);
  }, 60_000);
});
