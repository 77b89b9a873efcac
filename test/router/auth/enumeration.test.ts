import { cryptosign, MessageType as M, wampcra, type Dict } from '../../../src/protocol';
import * as secretCompare from '../../../src/protocol/auth/secret-compare';
import type { Router, RouterStartOptions } from '../../../src/router';
import { ScriptedPeer } from '../helpers/peer';
import { startRouter } from '../helpers/router';

// Counts the constant-time comparisons, to show that refusing an unknown authid does them too.
jest.mock('../../../src/protocol/auth/secret-compare', () => {
  const actual = jest.requireActual<typeof secretCompare>('../../../src/protocol/auth/secret-compare');
  return { secretsEqual: jest.fn(actual.secretsEqual) };
});
const comparisons = secretCompare.secretsEqual as jest.MockedFunction<typeof secretCompare.secretsEqual>;

const ROLES = { caller: {}, callee: {} };
const KNOWN_SEED = cryptosign.generateSeed();

const AUTH: RouterStartOptions['auth'] = {
  ticket: { principals: { alice: { ticket: 'alice-ticket', role: 'user' } } },
  wampcra: {
    users: {
      alice: { secret: 'alice-secret', role: 'admin', salt: 'c2FsdHNhbHQ=', iterations: 100, keylen: 16 },
      bob: { secret: 'bob-secret', role: 'user', salt: 'cGVwcGVyMTI=', iterations: 100, keylen: 16 },
    },
  },
  cryptosign: {
    principals: { alice: { authorizedKeys: [cryptosign.publicKeyHex(KNOWN_SEED)], role: 'device' } },
  },
};

/** The shape of a value: its type, and for text its length and alphabet. */
function shape(value: unknown): unknown {
  if (typeof value === 'string') return { length: value.length, base64: /^[A-Za-z0-9+/=]*$/.test(value) };
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]));
  }
  return typeof value;
}

describe('no user enumeration', () => {
  let router: Router;
  let url: string;

  beforeEach(async () => {
    router = await startRouter({ auth: AUTH, listeners: [{ type: 'websocket', port: 0 }] });
    url = router.listeners[0]!.url;
  });

  afterEach(async () => {
    await router.stop();
  });

  async function challenged(details: Dict, on = router): Promise<{ peer: ScriptedPeer; extra: Dict }> {
    const peer = await ScriptedPeer.connect(on === router ? url : on.listeners[0]!.url);
    peer.send([M.HELLO, 'realm1', { roles: ROLES, ...details }]);
    const challenge = await peer.expect(M.CHALLENGE);
    return { peer, extra: challenge[2] as Dict };
  }

  async function refusal(peer: ScriptedPeer, signature: string): Promise<unknown[]> {
    peer.send([M.AUTHENTICATE, signature, {}]);
    const abort = await peer.expect(M.ABORT);
    await peer.closed;
    return abort.slice(1);
  }

  describe('wampcra', () => {
    const cra = (authid: string) => challenged({ authmethods: ['wampcra'], authid });

    it('challenges an unknown authid like a known one: same fields, same salt shape, no role', async () => {
      const known = await cra('alice');
      const unknown = await cra('mallory');
      // The challenge string holds the authid and the session id: its fields are compared below.
      const { challenge: knownText, ...knownSalt } = known.extra;
      const { challenge: unknownText, ...unknownSalt } = unknown.extra;
      expect(shape(unknownSalt)).toEqual(shape(knownSalt));
      expect(unknownSalt).toMatchObject({ iterations: 100, keylen: 16 });
      expect(unknownSalt.salt).not.toBe(knownSalt.salt);
      const knownChallenge = JSON.parse(knownText as string) as Dict;
      const unknownChallenge = JSON.parse(unknownText as string) as Dict;
      expect(Object.keys(unknownChallenge)).toEqual(Object.keys(knownChallenge));
      expect(Object.values(unknownChallenge).map((v) => typeof v)).toEqual(
        Object.values(knownChallenge).map((v) => typeof v),
      );
      expect(knownChallenge.authrole).toBeUndefined();
      expect(unknownChallenge.authrole).toBeUndefined();
      for (const { peer } of [known, unknown]) await refusal(peer, 'x');
    });

    it('gives an unknown authid the same salt every time, across restarts of the same configuration', async () => {
      const first = await cra('mallory');
      const second = await cra('mallory');
      const other = await cra('trudy');
      expect(second.extra.salt).toBe(first.extra.salt);
      expect(other.extra.salt).not.toBe(first.extra.salt);
      const restarted = await startRouter({ auth: AUTH, listeners: [{ type: 'websocket', port: 0 }] });
      try {
        const again = await challenged({ authmethods: ['wampcra'], authid: 'mallory' }, restarted);
        expect(again.extra.salt).toBe(first.extra.salt);
        await refusal(again.peer, 'x');
      } finally {
        await restarted.stop();
      }
      for (const { peer } of [first, second, other]) await refusal(peer, 'x');
    });

    it('refuses an unknown authid as a wrong secret, after the same comparison', async () => {
      const refusals: unknown[][] = [];
      const counts: number[] = [];
      for (const authid of ['alice', 'mallory']) {
        const { peer, extra } = await cra(authid);
        comparisons.mockClear();
        refusals.push(await refusal(peer, wampcra.computeSignature('guess', extra)));
        counts.push(comparisons.mock.calls.length);
      }
      expect(refusals[1]).toEqual(refusals[0]);
      expect(refusals[0]).toEqual([
        { message: 'invalid signature or unknown authid' },
        'wamp.error.authentication_failed',
      ]);
      // alice's salted secret gives two keys (derived, and the secret as the derived key):
      // mallory's decoy is compared as many times.
      expect(counts).toEqual([2, 2]);
    });
  });

  it('ticket: an unknown authid is challenged and refused as a wrong ticket, after the same comparison', async () => {
    const seen: unknown[] = [];
    for (const authid of ['alice', 'mallory']) {
      const { peer, extra } = await challenged({ authmethods: ['ticket'], authid });
      comparisons.mockClear();
      seen.push({ extra, refusal: await refusal(peer, 'guess'), comparisons: comparisons.mock.calls.length });
    }
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[0]).toMatchObject({ extra: {}, comparisons: 1 });
  });

  it('cryptosign: an unknown authid or an unlisted key is challenged and refused as a wrong signature', async () => {
    const stranger = cryptosign.generateSeed();
    const attempts = [
      { authid: 'alice', pubkey: cryptosign.publicKeyHex(KNOWN_SEED), signer: stranger },
      { authid: 'mallory', pubkey: cryptosign.publicKeyHex(stranger), signer: stranger },
      { authid: 'alice', pubkey: cryptosign.publicKeyHex(stranger), signer: stranger },
      { authid: undefined, pubkey: cryptosign.publicKeyHex(stranger), signer: stranger },
    ];
    const seen: unknown[] = [];
    for (const { authid, pubkey, signer } of attempts) {
      const { peer, extra } = await challenged({
        authmethods: ['cryptosign'],
        authid,
        authextra: { pubkey },
      });
      const signature = cryptosign.signChallenge(signer, extra.challenge as string);
      seen.push({ extra: shape(extra), refusal: await refusal(peer, signature) });
    }
    for (const other of seen.slice(1)) expect(other).toEqual(seen[0]);
    expect(seen[0]).toEqual({
      extra: { challenge: { length: 64, base64: true }, channel_binding: 'object' },
      refusal: [{ message: 'invalid signature or unknown authid' }, 'wamp.error.authentication_failed'],
    });
  });
});
