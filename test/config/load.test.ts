import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wservice-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('uses defaults with no file and no environment', () => {
    expect(loadConfig({ cwd: dir, env: {} })).toEqual({
      router: { url: undefined, realm: 'realm1', auth: undefined, tls: undefined, embedded: {} },
      services: {},
      logLevel: 'info',
      tracing: { enabled: false },
      file: undefined,
    });
  });

  it('finds wservice.config.yaml and substitutes ${ENV:default} with YAML scalar types', () => {
    const file = write(
      'wservice.config.yaml',
      [
        'router:',
        '  url: ws://${ROUTER_HOST:127.0.0.1}:${ROUTER_PORT:9000}/ws',
        '  realm: ${REALM}',
        'services:',
        '  orders:',
        '    instances: ${ORDER_INSTANCES:2}',
        '    maxConcurrency: 5',
        '    settings: { currency: EUR }',
        'logLevel: ${LOG:warn}',
      ].join('\n'),
    );
    const config = loadConfig({ cwd: dir, env: { REALM: 'shop', ROUTER_PORT: '9100' } });
    expect(config.file).toBe(file);
    expect(config.router.url).toBe('ws://127.0.0.1:9100/ws');
    expect(config.router.realm).toBe('shop');
    expect(config.services.orders).toEqual({
      instances: 2,
      maxConcurrency: 5,
      settings: { currency: 'EUR' },
    });
    expect(config.logLevel).toBe('warn');
  });

  it('reads JSON files too', () => {
    write('wservice.config.json', JSON.stringify({ router: { realm: 'json_realm' } }));
    expect(loadConfig({ cwd: dir, env: {} }).router.realm).toBe('json_realm');
  });

  it('lets flags override the file and the file override the environment', () => {
    write('wservice.config.yaml', 'router:\n  realm: from_file\n');
    const env = { WSERVICE_REALM: 'from_env', WSERVICE_ROUTER: 'ws://env:1/ws', WSERVICE_LOG_LEVEL: 'debug' };
    const config = loadConfig({ cwd: dir, env });
    expect(config.router.realm).toBe('from_file');
    expect(config.router.url).toBe('ws://env:1/ws');
    expect(config.logLevel).toBe('debug');
    expect(
      loadConfig({ cwd: dir, env, flags: { realm: 'from_flag', router: 'ws://flag/ws' } }).router,
    ).toMatchObject({
      realm: 'from_flag',
      url: 'ws://flag/ws',
    });
  });

  it('names file, line and key of a wrong type', () => {
    const file = write(
      'wservice.config.yaml',
      'router:\n  realm: r\nservices:\n  orders:\n    maxConcurrency: lots\n',
    );
    const e = configError(() => loadConfig({ cwd: dir, env: {} }));
    expect(e.message).toBe(
      `${file}:5: services.orders.maxConcurrency: Invalid input: expected number, received string`,
    );
    expect(e.details).toEqual({ file, line: 5, key: 'services.orders.maxConcurrency' });
  });

  it('names an unknown key and lists the allowed ones', () => {
    const file = write('wservice.config.yaml', 'router:\n  realm: r\n  rhealm: typo\n');
    expect(configError(() => loadConfig({ cwd: dir, env: {} })).message).toBe(
      `${file}:3: router.rhealm: unknown key (allowed here: url, realm, auth, tls, embedded)`,
    );
    const file2 = write('other.yaml', 'services:\n  orders:\n    instance: 2\n');
    expect(configError(() => loadConfig({ cwd: dir, env: {}, file: 'other.yaml' })).message).toBe(
      `${file2}:3: services.orders.instance: unknown key (allowed here: instances, maxConcurrency, maxQueued, stopTimeout, hookTimeouts, auth, settings)`,
    );
  });

  it('takes deadlines of lifecycle hooks per service, and names an unknown hook', () => {
    write(
      'wservice.config.yaml',
      'services:\n  orders:\n    hookTimeouts:\n      onStop: 2000\n      leave: 500\n',
    );
    expect(loadConfig({ cwd: dir, env: {} }).services.orders.hookTimeouts).toEqual({
      onStop: 2000,
      leave: 500,
    });
    const file = write('other.yaml', 'services:\n  orders:\n    hookTimeouts:\n      onStopp: 2000\n');
    expect(configError(() => loadConfig({ cwd: dir, env: {}, file: 'other.yaml' })).message).toMatch(
      new RegExp(
        `^${file}:4: services\\.orders\\.hookTimeouts\\.onStopp: unknown key \\(allowed here: providerStart, onStart, `,
      ),
    );
  });

  it('names the key of an unset variable without default', () => {
    const file = write('wservice.config.yaml', 'router:\n  url: ${NO_SUCH_VAR}\n');
    expect(configError(() => loadConfig({ cwd: dir, env: {} })).message).toBe(
      `${file}:2: router.url: environment variable NO_SUCH_VAR is not set and has no default (\${NO_SUCH_VAR:default})`,
    );
  });

  it('reports YAML syntax errors with the line, a missing file, and a bad env log level', () => {
    const file = write('wservice.config.yaml', 'router:\n  realm: [unclosed\n');
    expect(configError(() => loadConfig({ cwd: dir, env: {} })).message).toMatch(
      new RegExp(`^${file}:\\d+: `),
    );
    expect(configError(() => loadConfig({ cwd: dir, env: {}, file: 'missing.yaml' })).message).toBe(
      `config file ${join(dir, 'missing.yaml')} does not exist`,
    );
    rmSync(file);
    expect(configError(() => loadConfig({ cwd: dir, env: { WSERVICE_LOG_LEVEL: 'loud' } })).message).toBe(
      'WSERVICE_LOG_LEVEL: "loud" is not a log level (trace, debug, info, warn, error, fatal, silent)',
    );
  });

  it('checks auth values', () => {
    const file = write('wservice.config.yaml', 'router:\n  auth:\n    authid: svc\n    privateKey: nothex\n');
    expect(configError(() => loadConfig({ cwd: dir, env: {} })).message).toBe(
      `${file}:4: router.auth.privateKey: must be 64 hex characters (a 32-byte Ed25519 seed)`,
    );
  });

  it('turns tracing on by the flag, the file, a set-up module (resolved by the file) or WSERVICE_TRACING', () => {
    expect(loadConfig({ cwd: dir, env: { WSERVICE_TRACING: '1' } }).tracing).toEqual({ enabled: true });
    expect(
      loadConfig({ cwd: dir, env: { WSERVICE_TRACING: '1' }, flags: { tracing: false } }).tracing,
    ).toEqual({
      enabled: false,
    });
    expect(configError(() => loadConfig({ cwd: dir, env: { WSERVICE_TRACING: 'maybe' } })).message).toBe(
      'WSERVICE_TRACING: "maybe" is not a boolean (true, false, 1, 0)',
    );
    write('wservice.config.yaml', 'tracing:\n  setup: ./otel/setup.js\n');
    expect(loadConfig({ cwd: dir, env: { WSERVICE_TRACING: '0' } }).tracing).toEqual({
      enabled: true,
      setup: join(dir, 'otel/setup.js'),
    });
    write('wservice.config.yaml', 'tracing:\n  enabled: true\n  exporter: otlp\n');
    expect(configError(() => loadConfig({ cwd: dir, env: {} })).message).toMatch(
      /:3: tracing.exporter: unknown key \(allowed here: enabled, setup\)$/,
    );
  });

  it('reads http.static relative to the file, and refuses an empty one', () => {
    mkdirSync(join(dir, 'sub'));
    write('sub/wservice.config.yaml', 'http:\n  port: 0\n  static: ./web\n');
    expect(loadConfig({ cwd: dir, file: 'sub/wservice.config.yaml', env: {} }).http).toEqual({
      port: 0,
      static: join(dir, 'sub/web'),
    });
    write('wservice.config.yaml', "http:\n  static: ''\n");
    expect(configError(() => loadConfig({ cwd: dir, env: {} })).message).toMatch(/:2: http.static: /);
  });
});
