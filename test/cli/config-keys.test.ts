import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, runCli } from './helpers/cli';

/** `wservice run` refuses a `services.<name>` key of the config that names no loaded service. */

const FIXTURE = join(__dirname, '../observability/fixtures/shop.service.ts');

let dir: string;
beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'wservice-config-keys-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('refuses a misspelt service key, listing the services loaded', async () => {
  const config = join(dir, 'wservice.config.yaml');
  writeFileSync(config, 'services:\n  shop: { instances: 2 }\n  sohp: { instances: 3 }\n');
  expect(await runCli(['run', FIXTURE, '--config', config, '--port', '0'])).toEqual({
    code: 1,
    stdout: '',
    stderr: `error: ${config}: services.sohp names no loaded service (loaded: shop)\n`,
  });
});
