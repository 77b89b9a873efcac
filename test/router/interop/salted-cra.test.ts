import { connect } from '../../../src';
import { wampcra } from '../../../src/protocol';
import { Router } from '../../../src/router';
import { callFromPython } from '../../helpers/autobahn-python';

/**
 * A salted WAMP-CRA user written as Crossbar.io's and wampy's configurations write it (the
 * derived key under `secret`, beside salt, iterations and keylen): clients that know the
 * password sign in, autobahn-python (Debian python3-autobahn) and ours.
 */
describe('salted WAMP-CRA, Crossbar-style configuration', () => {
  let router: Router;
  const secret = wampcra.deriveKey('s3cret-pw', 'salt123', 1000, 32);

  beforeAll(async () => {
    router = await Router.start({
      listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0 }],
      auth: {
        wampcra: {
          users: { peter: { secret, salt: 'salt123', iterations: 1000, keylen: 32, role: 'user' } },
        },
      },
    });
  });
  afterAll(() => router.stop());

  it('autobahn-python signs in with the password', async () => {
    const url = router.listeners[0].url;
    const auth = { authmethods: ['wampcra'], authid: 'peter', secret: 's3cret-pw' };
    const [count] = await callFromPython(url, 'realm1', [{ procedure: 'wamp.session.count' }], 'json', auth);
    expect(count).toEqual({ ok: expect.any(Number) });
    // With another password the join is refused: no call runs.
    const refused = await callFromPython(url, 'realm1', [{ procedure: 'wamp.session.count' }], 'json', {
      ...auth,
      secret: 'wrong',
    });
    expect(refused).toEqual([]);
  });

  it('our client signs in with the password, and is refused with another', async () => {
    const url = router.listeners[0].url;
    const client = await connect({ url, authid: 'peter', secret: 's3cret-pw', reconnect: false });
    expect(client.session?.details).toMatchObject({
      authid: 'peter',
      authrole: 'user',
      authmethod: 'wampcra',
    });
    await client.close();
    await expect(connect({ url, authid: 'peter', secret: 'nope', reconnect: false })).rejects.toMatchObject({
      uri: 'wamp.error.authentication_failed',
    });
  });
});
