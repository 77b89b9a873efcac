import { wampcra } from '../../../src/protocol';

// autobahn-js 22.11.1: the reference client; its CRA math is what Crossbar.io verifies.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autobahn = require('autobahn') as {
  auth_cra: {
    derive_key(secret: string, salt: string, iterations?: number, keylen?: number): string;
    sign(key: string, challenge: string): string;
  };
};

const CHALLENGE = wampcra.createChallenge({
  authid: 'peter',
  authrole: 'user',
  authprovider: 'static',
  session: 3251278072152162,
  nonce: 'LHRTC9zeOIrt_9U3',
  timestamp: '2014-06-22T16:36:25.448Z',
});

describe('wampcra', () => {
  it('builds the challenge string with Crossbar.io fields', () => {
    expect(JSON.parse(CHALLENGE)).toEqual({
      authid: 'peter',
      authrole: 'user',
      authmethod: 'wampcra',
      authprovider: 'static',
      session: 3251278072152162,
      nonce: 'LHRTC9zeOIrt_9U3',
      timestamp: '2014-06-22T16:36:25.448Z',
    });
  });

  it('draws a fresh nonce and a current ISO timestamp when none are given', () => {
    const info = { authid: 'a', authrole: 'r', authprovider: 'p', session: 1 };
    const first = JSON.parse(wampcra.createChallenge(info)) as { nonce: string; timestamp: string };
    const second = JSON.parse(wampcra.createChallenge(info)) as { nonce: string };
    expect(first.nonce).toHaveLength(64);
    expect(first.nonce).not.toBe(second.nonce);
    expect(new Date(first.timestamp).toISOString()).toBe(first.timestamp);
  });

  it.each([
    ['secret', 'salt', 1000, 32],
    ['secret', 'salt123', 100, 16],
    ['pässwörd €', 'sält', 10, 64],
  ])('derives the salted key as autobahn does (%s, %s, %i, %i)', (secret, salt, iterations, keylen) => {
    expect(wampcra.deriveKey(secret, salt, iterations, keylen)).toBe(
      autobahn.auth_cra.derive_key(secret, salt, iterations, keylen),
    );
  });

  it('uses 1000 iterations and 32 bytes by default, as autobahn', () => {
    expect(wampcra.deriveKey('secret', 'salt')).toBe(autobahn.auth_cra.derive_key('secret', 'salt'));
  });

  it.each(['secret', 'k€y with unicode', ''])('signs the challenge as autobahn does (key %j)', (key) => {
    expect(wampcra.signChallenge(key, CHALLENGE)).toBe(autobahn.auth_cra.sign(key, CHALLENGE));
  });

  it('verifies autobahn signatures, plain and salted', () => {
    const salted = autobahn.auth_cra.derive_key('secret', 'salt123', 100, 16);
    expect(wampcra.verifySignature('secret', CHALLENGE, autobahn.auth_cra.sign('secret', CHALLENGE))).toBe(
      true,
    );
    expect(wampcra.verifySignature(salted, CHALLENGE, autobahn.auth_cra.sign(salted, CHALLENGE))).toBe(true);
  });

  it('rejects wrong keys, altered challenges and non-string signatures', () => {
    const signature = wampcra.signChallenge('secret', CHALLENGE);
    expect(wampcra.verifySignature('other', CHALLENGE, signature)).toBe(false);
    expect(wampcra.verifySignature('secret', `${CHALLENGE} `, signature)).toBe(false);
    expect(wampcra.verifySignature('secret', CHALLENGE, signature.slice(1))).toBe(false);
    expect(wampcra.verifySignature('secret', CHALLENGE, null)).toBe(false);
    expect(wampcra.verifySignature('secret', CHALLENGE, 42)).toBe(false);
  });

  it('computes the AUTHENTICATE signature from CHALLENGE Extra, salted or not', () => {
    expect(wampcra.computeSignature('secret', { challenge: CHALLENGE })).toBe(
      autobahn.auth_cra.sign('secret', CHALLENGE),
    );
    const key = autobahn.auth_cra.derive_key('secret', 'salt123', 100, 16);
    expect(
      wampcra.computeSignature('secret', {
        challenge: CHALLENGE,
        salt: 'salt123',
        iterations: 100,
        keylen: 16,
      }),
    ).toBe(autobahn.auth_cra.sign(key, CHALLENGE));
  });

  it('refuses malformed CHALLENGE Extra and unreasonable PBKDF2 parameters', () => {
    expect(() => wampcra.computeSignature('s', {})).toThrow(TypeError);
    expect(() => wampcra.computeSignature('s', { challenge: 'c', salt: 5 })).toThrow(TypeError);
    expect(() => wampcra.computeSignature('s', { challenge: 'c', salt: 'x', iterations: '9' })).toThrow(
      TypeError,
    );
    expect(() => wampcra.deriveKey('s', 'x', 2 ** 40)).toThrow(RangeError);
    expect(() => wampcra.deriveKey('s', 'x', 1000, 0)).toThrow(RangeError);
  });
});
