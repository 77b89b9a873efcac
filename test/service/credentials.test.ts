import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readServiceCredentials, ServiceOptionsError } from '../../src';
import { generateSeed } from '../../src/protocol/auth/cryptosign';

/** Where a service finds its own credential for a standalone router, in which order. */

let dir: string;
const seed = generateSeed();
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wservice-credentials-'));
  writeFileSync(join(dir, 'user-accounts.key'), `${seed}\n`);
  writeFileSync(join(dir, 'broken.key'), 'not a key\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readServiceCredentials', () => {
  it('reads <dir>/<name>.key as a cryptosign seed, authid = the service', () => {
    expect(readServiceCredentials('user-accounts', { dir, env: {} })).toEqual({
      authid: 'user-accounts',
      privateKey: seed,
    });
  });

  it('prefers WSERVICE_<NAME>_PRIVATE_KEY, then WSERVICE_<NAME>_SECRET, to the file', () => {
    const other = generateSeed();
    expect(
      readServiceCredentials('user-accounts', {
        dir,
        env: { WSERVICE_USER_ACCOUNTS_PRIVATE_KEY: other, WSERVICE_USER_ACCOUNTS_SECRET: 'pw' },
      }),
    ).toEqual({ authid: 'user-accounts', privateKey: other });
    expect(
      readServiceCredentials('user-accounts', { dir, env: { WSERVICE_USER_ACCOUNTS_SECRET: 'pw' } }),
    ).toEqual({
      authid: 'user-accounts',
      secret: 'pw',
    });
  });

  it('has none for a service without key or variables', () => {
    expect(readServiceCredentials('payments', { dir, env: {} })).toBeUndefined();
  });

  it('refuses a malformed key, naming where it came from', () => {
    expect(() => readServiceCredentials('broken', { dir, env: {} })).toThrow(ServiceOptionsError);
    expect(() => readServiceCredentials('broken', { dir, env: {} })).toThrow(
      /broken\.key: the key of service "broken"/,
    );
    expect(() => readServiceCredentials('x', { dir, env: { WSERVICE_X_PRIVATE_KEY: 'abc' } })).toThrow(
      /^WSERVICE_X_PRIVATE_KEY: /,
    );
  });
});
