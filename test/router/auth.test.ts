import { cryptosign, MessageType as M, wampcra, type Dict } from '../../src/protocol';
import { createInProcessPair } from '../../src/transport';
import type { Router, RouterStartOptions } from '../../src/router';
import { ScriptedPeer } from './helpers/peer';
import { startRouter } from './helpers/router';
import { SHOP_ROLES } from './helpers/shop-roles';

const ROLES = { caller: {}, callee: {}, publisher: {}, subscriber: {} };
const ALICE_SEED = cryptosign.generateSeed();
const MALLORY_SEED = cryptosign.generateSeed();

const AUTH: RouterStartOptions['auth'] = {
  ticket: { principals: { alice: { ticket: 'alice-ticket', role: 'user' } } },
  wampcra: {
    users: {
      plain: { secret: 'plain-secret', role: 'user' },
      salted: { secret: 'salted-secret', role: 'admin', salt: 'salt123', iterations: 100, keylen: 16 },
      // Crossbar.io / wampy style: the derived key written under `secret`, beside the salt.
      crossbar: {
        secret: wampcra.deriveKey('crossbar-pw', 'salt9', 100, 16),
        salt: 'salt9',
        iterations: 100,
        keylen: 16,
        role: 'user',
      },
      // Crossbar style: only the derived key is stored.
      derived: {
        key: wampcra.deriveKey('hidden', 'pepper', 50, 32),
        salt: 'pepper',
        iterations: 50,
        keylen: 32,
        role: 'user',
      },
    },
  },
  cryptosign: {
    principals: { alice: { authorizedKeys: [cryptosign.publicKeyHex(ALICE_SEED)], role: 'device' } },
  },
};

describe('authentication', () => {
  let router: Router;

  beforeEach(async () => {
    router = await startRouter({ auth: AUTH });
  });

  afterEach(async () => {
    await router.stop();
  });

  function hello(details: Dict, realm = 'realm1'): ScriptedPeer {
    const peer = ScriptedPeer.attach(router);
    peer.send([M.HELLO, realm, { roles: ROLES, ...details }]);
    return peer;
  }

  async function expectAbort(peer: ScriptedPeer, reason: string): Promise<string> {
    const abort = await peer.expect(M.ABORT);
    expect(abort[2]).toBe(reason);
    await peer.closed;
    return (abort[1] as { message: string }).message;
  }

  async function welcomed(peer: ScriptedPeer): Promise<Dict> {
    return (await peer.expect(M.WELCOME))[2] as Dict;
  }

  describe('ticket', () => {
    it('welcomes a principal with the right ticket, in its role', async () => {
      const peer = hello({ authmethods: ['ticket'], authid: 'alice' });
      expect(await peer.expect(M.CHALLENGE)).toEqual([M.CHALLENGE, 'ticket', {}]);
      peer.send([M.AUTHENTICATE, 'alice-ticket', {}]);
      expect(await welcomed(peer)).toMatchObject({
        authid: 'alice',
        authrole: 'user',
        authmethod: 'ticket',
        authprovider: 'static',
      });
    });

    it('refuses a wrong ticket and an unknown authid alike, after the challenge', async () => {
      for (const authid of ['alice', 'nobody']) {
        const peer = hello({ authmethods: ['ticket'], authid });
        await peer.expect(M.CHALLENGE);
        peer.send([M.AUTHENTICATE, 'guess', {}]);
        expect(await expectAbort(peer, 'wamp.error.authentication_failed')).toBe(
          'invalid ticket or unknown authid',
        );
      }
    });

    it('refuses a HELLO without an authid', async () => {
      await expectAbort(hello({ authmethods: ['ticket'] }), 'wamp.error.authentication_failed');
    });
  });

  describe('wampcra', () => {
    async function craLogin(authid: string, secret: string): Promise<{ peer: ScriptedPeer; extra: Dict }> {
      const peer = hello({ authmethods: ['wampcra'], authid });
      const challenge = await peer.expect(M.CHALLENGE);
      expect(challenge[1]).toBe('wampcra');
      const extra = challenge[2] as Dict;
      peer.send([M.AUTHENTICATE, wampcra.computeSignature(secret, extra), {}]);
      return { peer, extra };
    }

    it('welcomes a user with a plain secret; the challenge names the session', async () => {
      const { peer, extra } = await craLogin('plain', 'plain-secret');
      const welcome = await peer.expect(M.WELCOME);
      expect(welcome[2]).toMatchObject({ authid: 'plain', authrole: 'user', authmethod: 'wampcra' });
      const challenge = JSON.parse(extra.challenge as string) as Dict;
      expect(challenge).toMatchObject({ authid: 'plain', authmethod: 'wampcra', session: welcome[1] });
      // No role in the challenge: it would tell known authids from unknown ones.
      expect(challenge.authrole).toBeUndefined();
      expect(extra.salt).toBeUndefined();
    });

    it('welcomes a user with a salted secret, sending salt, iterations and keylen', async () => {
      const { peer, extra } = await craLogin('salted', 'salted-secret');
      expect(extra).toMatchObject({ salt: 'salt123', iterations: 100, keylen: 16 });
      expect(await welcomed(peer)).toMatchObject({ authid: 'salted', authrole: 'admin' });
    });

    it("takes Crossbar.io's and wampy's salted config as written: the derived key under secret", async () => {
      const { peer, extra } = await craLogin('crossbar', 'crossbar-pw');
      expect(extra).toMatchObject({ salt: 'salt9', iterations: 100, keylen: 16 });
      expect(await welcomed(peer)).toMatchObject({ authid: 'crossbar', authrole: 'user' });
      const wrong = await craLogin('crossbar', 'not-the-pw');
      await expectAbort(wrong.peer, 'wamp.error.authentication_failed');
    });

    it('welcomes a user configured with a derived key only', async () => {
      const { peer } = await craLogin('derived', 'hidden');
      expect(await welcomed(peer)).toMatchObject({ authid: 'derived' });
    });

    it('refuses a wrong secret and an unknown user alike', async () => {
      for (const [authid, secret] of [
        ['plain', 'wrong'],
        ['ghost', 'plain-secret'],
      ]) {
        const { peer } = await craLogin(authid, secret);
        expect(await expectAbort(peer, 'wamp.error.authentication_failed')).toBe(
          'invalid signature or unknown authid',
        );
      }
    });
  });

  describe('cryptosign', () => {
    it('welcomes a principal that signs the challenge, found by authid or by public key', async () => {
      for (const authid of ['alice', undefined]) {
        const pubkey = cryptosign.publicKeyHex(ALICE_SEED);
        const peer = hello({ authmethods: ['cryptosign'], authid, authextra: { pubkey } });
        const challenge = await peer.expect(M.CHALLENGE);
        expect(challenge[1]).toBe('cryptosign');
        const extra = challenge[2] as { challenge: string };
        expect(extra.challenge).toMatch(/^[0-9a-f]{64}$/);
        peer.send([M.AUTHENTICATE, cryptosign.signChallenge(ALICE_SEED, extra.challenge), {}]);
        expect(await welcomed(peer)).toMatchObject({
          authid: 'alice',
          authrole: 'device',
          authmethod: 'cryptosign',
          authextra: { pubkey },
        });
      }
    });

    it('refuses a signature made with another key', async () => {
      const peer = hello({
        authmethods: ['cryptosign'],
        authid: 'alice',
        authextra: { pubkey: cryptosign.publicKeyHex(ALICE_SEED) },
      });
      const extra = (await peer.expect(M.CHALLENGE))[2] as { challenge: string };
      peer.send([M.AUTHENTICATE, cryptosign.signChallenge(MALLORY_SEED, extra.challenge), {}]);
      await expectAbort(peer, 'wamp.error.authentication_failed');
    });

    it('refuses a public key no principal lists (at AUTHENTICATE), and a HELLO without one', async () => {
      const stranger = hello({
        authmethods: ['cryptosign'],
        authextra: { pubkey: cryptosign.publicKeyHex(MALLORY_SEED) },
      });
      const extra = (await stranger.expect(M.CHALLENGE))[2] as { challenge: string };
      stranger.send([M.AUTHENTICATE, cryptosign.signChallenge(MALLORY_SEED, extra.challenge), {}]);
      await expectAbort(stranger, 'wamp.error.authentication_failed');
      await expectAbort(
        hello({ authmethods: ['cryptosign'], authid: 'alice' }),
        'wamp.error.authentication_failed',
      );
    });
  });

  it('takes the first offered method the realm has, and refuses when none is enabled', async () => {
    const peer = hello({ authmethods: ['anonymous', 'scram', 'ticket'], authid: 'alice' });
    expect((await peer.expect(M.CHALLENGE))[1]).toBe('ticket');
    const message = await expectAbort(hello({ authmethods: ['anonymous'] }), 'wamp.error.no_auth_method');
    expect(message).toMatch(/none of the offered authmethods \(anonymous\)/);
    // A client that offers nothing offers anonymous (spec).
    await expectAbort(hello({}), 'wamp.error.no_auth_method');
  });

  it('aborts a session whose client gives up during the challenge', async () => {
    const peer = hello({ authmethods: ['ticket'], authid: 'alice' });
    await peer.expect(M.CHALLENGE);
    peer.send([M.ABORT, {}, 'wamp.error.cannot_authenticate']);
    await peer.closed;
    expect(router.sessionCount).toBe(0);
  });
});

describe('authorization', () => {
  let router: Router;

  beforeEach(async () => {
    router = await startRouter({
      realms: [
        {
          name: 'shop',
          roles: SHOP_ROLES,
          auth: {
            anonymous: { role: 'customer' },
            ticket: {
              principals: {
                svc: { ticket: 'svc-ticket', role: 'backend' },
                ghost: { ticket: 'ghost-ticket', role: 'nonexistent' },
              },
            },
          },
        },
      ],
    });
  });

  afterEach(async () => {
    await router.stop();
  });

  async function backend(): Promise<ScriptedPeer> {
    const peer = ScriptedPeer.attach(router);
    peer.send([M.HELLO, 'shop', { roles: ROLES, authmethods: ['ticket'], authid: 'svc' }]);
    await peer.expect(M.CHALLENGE);
    peer.send([M.AUTHENTICATE, 'svc-ticket', {}]);
    await peer.expect(M.WELCOME);
    return peer;
  }

  async function expectNotAuthorized(
    peer: ScriptedPeer,
    message: unknown[],
    requestType: number,
  ): Promise<void> {
    peer.send(message);
    const error = await peer.expect(M.ERROR);
    expect(error.slice(0, 5)).toEqual([M.ERROR, requestType, message[1], {}, 'wamp.error.not_authorized']);
  }

  it('allows and denies by the most specific rule of the role', async () => {
    const svc = await backend();
    await svc.register('shop.cart.add');
    await svc.register('shop.admin.reset');
    const customer = await ScriptedPeer.join(router, 'shop');
    expect(customer.welcome.authrole).toBe('customer');

    const ok = customer.call('shop.cart.add');
    const invocation = await svc.expect(M.INVOCATION);
    svc.send([M.YIELD, invocation[1], {}]);
    expect((await customer.expect(M.RESULT))[1]).toBe(ok);

    await expectNotAuthorized(customer, [M.CALL, customer.request(), {}, 'shop.admin.reset'], M.CALL);
    await expectNotAuthorized(customer, [M.CALL, customer.request(), {}, 'other.thing'], M.CALL);
    await expectNotAuthorized(customer, [M.REGISTER, customer.request(), {}, 'shop.cart.remove'], M.REGISTER);
    await expectNotAuthorized(
      customer,
      [M.PUBLISH, customer.request(), { acknowledge: true }, 'shop.cart'],
      M.PUBLISH,
    );
    await expectNotAuthorized(customer, [M.SUBSCRIBE, customer.request(), {}, 'other.news'], M.SUBSCRIBE);
    await customer.subscribe('shop.admin.alerts');
    // Wildcards rank below prefixes: shop.apple.price would fall under the shop. prefix rule.
    customer.send([M.PUBLISH, customer.request(), { acknowledge: true }, 'market.apple.price']);
    await customer.expect(M.PUBLISHED);
  });

  it('guards the meta API like any other procedure', async () => {
    const customer = await ScriptedPeer.join(router, 'shop');
    await expectNotAuthorized(customer, [M.CALL, customer.request(), {}, 'wamp.session.list'], M.CALL);
    const svc = await backend();
    expect(await svc.callForResult('wamp.session.count')).toEqual([2]);
  });

  it('refuses a principal whose role the realm does not define', async () => {
    const peer = ScriptedPeer.attach(router);
    peer.send([M.HELLO, 'shop', { roles: ROLES, authmethods: ['ticket'], authid: 'ghost' }]);
    await peer.expect(M.CHALLENGE);
    peer.send([M.AUTHENTICATE, 'ghost-ticket', {}]);
    expect((await peer.expect(M.ABORT))[2]).toBe('wamp.error.no_such_role');
  });
});

describe('anonymous authids of trusted in-process peers', () => {
  let router: Router;
  beforeEach(async () => {
    router = await startRouter();
  });
  afterEach(async () => {
    await router.stop();
  });

  async function join(trusted: boolean): Promise<Dict> {
    const [client, server] = createInProcessPair();
    router.attach(server, { trusted });
    const peer = new ScriptedPeer(client);
    peer.send([M.HELLO, 'realm1', { roles: ROLES, authid: 'orders' }]);
    return (await peer.expect(M.WELCOME))[2] as Dict;
  }

  it('keep the authid they ask for; other peers get a random one', async () => {
    expect(await join(true)).toMatchObject({ authid: 'orders', authmethod: 'anonymous' });
    const untrusted = await join(false);
    expect(untrusted.authid).not.toBe('orders');
    expect(untrusted.authid).toMatch(/^[0-9A-F]{4}(-[0-9A-F]{4}){3}$/);
  });
});
