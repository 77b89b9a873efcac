import { generateSeed, publicKeyHex } from '../../src/protocol/auth/cryptosign';
import { connect, type Client } from '../../src';
import { startTestRouter, type TestRouter } from '../../src/testing';
import { assertBuilt, killStarted, runCli } from './helpers/cli';

/** The authentication flags (and their environment variables) reach the router's HELLO. */

const seed = generateSeed();
let router: TestRouter;
let callee: Client;

beforeAll(async () => {
  assertBuilt();
  router = await startTestRouter({
    auth: {
      ticket: { principals: { alice: { ticket: 's3cret', role: 'user' } } },
      wampcra: { users: { bob: { secret: 'pw', role: 'user' } } },
      cryptosign: { principals: { device1: { authorizedKeys: [publicKeyHex(seed)], role: 'user' } } },
    },
  });
  callee = await connect({
    url: router.url,
    realm: router.realm,
    authid: 'alice',
    ticket: 's3cret',
    reconnect: false,
  });
  await callee.register('auth.ping', () => 'pong');
});
afterAll(async () => {
  await callee.close();
  await router.stop();
});
afterEach(killStarted);

const ping = (flags: string[], env: NodeJS.ProcessEnv = {}) =>
  runCli(['call', 'auth.ping', '--router', router.url, ...flags], { env });

describe('authentication flags', () => {
  it('--authid with --ticket, --secret (WAMP-CRA) or --private-key (cryptosign)', async () => {
    expect(await ping(['--authid', 'alice', '--ticket', 's3cret'])).toEqual({
      code: 0,
      stdout: 'pong\n',
      stderr: '',
    });
    expect(await ping(['--authid', 'bob', '--secret', 'pw'])).toEqual({
      code: 0,
      stdout: 'pong\n',
      stderr: '',
    });
    expect(await ping(['--authid', 'device1', '--private-key', seed])).toEqual({
      code: 0,
      stdout: 'pong\n',
      stderr: '',
    });
  });

  it('reads the credentials from WSERVICE_AUTHID and WSERVICE_TICKET too', async () => {
    const result = await ping([], { WSERVICE_AUTHID: 'alice', WSERVICE_TICKET: 's3cret' });
    expect(result).toEqual({ code: 0, stdout: 'pong\n', stderr: '' });
  });

  it('reports a refused join in one line, exit 1', async () => {
    const wrong = await ping(['--authid', 'alice', '--ticket', 'wrong']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(
      /^error: cannot join realm realm1 on .*: .*wamp\.error\.authentication_failed.*\n$/,
    );
    const none = await ping([]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^error: cannot join realm realm1 on .*\n$/);
    const badKey = await ping(['--authid', 'device1', '--private-key', 'not-hex']);
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/^error: cannot join realm realm1 on .*\n$/);
  });
});
