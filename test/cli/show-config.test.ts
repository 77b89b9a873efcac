import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, runCli } from './helpers/cli';

/** `wservice show-config`: the merged configuration and where each value came from. */

interface Entry {
  key: string;
  value: unknown;
  source: string;
  where?: string;
}

/** No WSERVICE_* variable of the machine leaks into a case. */
const CLEAN = { WSERVICE_ROUTER: '', WSERVICE_REALM: '', WSERVICE_LOG_LEVEL: '', WSERVICE_TRACING: '' };

let dir: string;
beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'wservice-show-config-'));
  writeFileSync(
    join(dir, 'wservice.config.yaml'),
    [
      'router:',
      '  realm: ${SHOP_REALM:shop}',
      '  auth:',
      '    ticket: ${SHOP_TICKET:dev-ticket}',
      'services:',
      '  billing:',
      '    instances: 2',
      '    settings:',
      '      currency: EUR',
      'logLevel: warn',
      '',
    ].join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function entries(args: string[], env: NodeJS.ProcessEnv, cwd = dir): Promise<Map<string, Entry>> {
  const shown = await runCli(['show-config', '--json', ...args], { cwd, env: { ...CLEAN, ...env } });
  expect(shown.stderr).toBe('');
  expect(shown.code).toBe(0);
  const parsed = JSON.parse(shown.stdout) as { entries: Entry[] };
  return new Map(parsed.entries.map((e) => [e.key, e]));
}

describe('wservice show-config', () => {
  it('says for each value whether a flag, the file (line, ${VAR}), the environment or a default set it', async () => {
    const shown = await entries(['--log-level', 'debug'], {
      WSERVICE_ROUTER: 'ws://10.0.0.5:8080/ws',
      SHOP_TICKET: 'real-secret',
    });
    expect(shown.get('router.url')).toEqual({
      key: 'router.url',
      value: 'ws://10.0.0.5:8080/ws',
      source: 'env',
      where: 'WSERVICE_ROUTER',
    });
    expect(shown.get('router.realm')).toEqual({
      key: 'router.realm',
      value: 'shop',
      source: 'file',
      where: 'wservice.config.yaml:2 (${SHOP_REALM})',
    });
    // The flag beats the file's `logLevel: warn`.
    expect(shown.get('logLevel')).toEqual({
      key: 'logLevel',
      value: 'debug',
      source: 'flag',
      where: '--log-level',
    });
    expect(shown.get('tracing.enabled')).toEqual({ key: 'tracing.enabled', value: false, source: 'default' });
    expect(shown.get('router.auth.ticket')).toEqual({
      key: 'router.auth.ticket',
      value: '********',
      source: 'file',
      where: 'wservice.config.yaml:4 (${SHOP_TICKET})',
    });
    expect(shown.get('services.billing.instances')).toMatchObject({
      value: 2,
      where: 'wservice.config.yaml:7',
    });
    expect(shown.get('services.billing.settings.currency')).toMatchObject({ value: 'EUR', source: 'file' });
  });

  it('masks credentials in the readable form too, and shows the defaults without a file', async () => {
    const text = await runCli(['show-config'], { cwd: dir, env: { ...CLEAN, SHOP_TICKET: 'real-secret' } });
    expect(text.code).toBe(0);
    expect(text.stdout).not.toContain('real-secret');
    expect(text.stdout).toMatch(
      /^router\.auth\.ticket\s+\*{8}\s+file wservice\.config\.yaml:4 \(\$\{SHOP_TICKET\}\)$/m,
    );
    expect(text.stdout).toMatch(/^router\.realm\s+shop\s+file wservice\.config\.yaml:2/m);

    const empty = mkdtempSync(join(tmpdir(), 'wservice-show-config-none-'));
    try {
      const defaults = await entries(['--tracing'], { WSERVICE_REALM: 'prod' }, empty);
      expect(defaults.get('router.url')).toEqual({ key: 'router.url', source: 'default' });
      expect(defaults.get('router.realm')).toMatchObject({
        value: 'prod',
        source: 'env',
        where: 'WSERVICE_REALM',
      });
      expect(defaults.get('logLevel')).toMatchObject({ value: 'info', source: 'default' });
      expect(defaults.get('tracing.enabled')).toMatchObject({
        value: true,
        source: 'flag',
        where: '--tracing',
      });
      const plain = await runCli(['show-config'], { cwd: empty, env: CLEAN });
      expect(plain.stdout).toContain('no config file');
      expect(plain.stdout).toMatch(/^router\.url\s+\(none: the embedded router\)\s+default$/m);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('refuses a bad file as wservice run does, naming the key', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'router:\n  relam: x\n');
    const refused = await runCli(['show-config', '--config', bad], { env: CLEAN });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('bad.yaml:2: router.relam: unknown key');
  });
});
