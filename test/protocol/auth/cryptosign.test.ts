import { cryptosign } from '../../../src/protocol';

// autobahn-js 22.11.1 signs with tweetnacl; both are the reference for byte-exact output.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autobahn = require('autobahn') as {
  auth_cryptosign: {
    sign_challenge(pkey: NaclKeyPair, extra: { challenge: string }): string;
    public_key(pkey: NaclKeyPair): string;
  };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nacl = require('tweetnacl') as { sign: { keyPair: { fromSeed(seed: Uint8Array): NaclKeyPair } } };

interface NaclKeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

const SEED_HEX = '4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510';
const SEED = Buffer.from(SEED_HEX, 'hex');
const CHALLENGE = 'ff9f5b2d6bb2e1da9d9a5df2c4bb3c3ddb4c94f0fb0e5d7c2e4b1d0f3e2c1b0a';
const NACL = nacl.sign.keyPair.fromSeed(SEED);

describe('cryptosign', () => {
  it('derives the public key autobahn derives from the same seed, from hex or bytes', () => {
    const expected = autobahn.auth_cryptosign.public_key(NACL);
    expect(cryptosign.publicKeyHex(SEED_HEX)).toBe(expected);
    expect(cryptosign.publicKeyHex(SEED)).toBe(expected);
    expect(cryptosign.keyPairFromSeed(new Uint8Array(SEED)).publicKeyHex).toBe(expected);
  });

  it('signs a challenge byte for byte as autobahn does: signature hex then challenge hex', () => {
    const expected = autobahn.auth_cryptosign.sign_challenge(NACL, { challenge: CHALLENGE });
    expect(cryptosign.signChallenge(SEED_HEX, CHALLENGE)).toBe(expected);
    expect(cryptosign.signChallenge(cryptosign.keyPairFromSeed(SEED), CHALLENGE)).toBe(expected);
    expect(expected).toHaveLength(192);
    expect(expected.endsWith(CHALLENGE)).toBe(true);
  });

  it('verifies autobahn signatures in both forms (192 and 128 hex)', () => {
    const challenge = cryptosign.generateChallenge();
    const full = autobahn.auth_cryptosign.sign_challenge(NACL, { challenge });
    const pubkey = cryptosign.publicKeyHex(SEED);
    expect(cryptosign.verifyChallengeSignature(pubkey, challenge, full)).toBe(true);
    expect(cryptosign.verifyChallengeSignature(pubkey, challenge, full.slice(0, 128))).toBe(true);
    expect(cryptosign.verifyChallengeSignature(pubkey, challenge, full.toUpperCase())).toBe(true);
  });

  it('rejects another key, another challenge, a tampered signature and malformed input', () => {
    const pubkey = cryptosign.publicKeyHex(SEED);
    const other = cryptosign.publicKeyHex(cryptosign.generateSeed());
    const signature = cryptosign.signChallenge(SEED, CHALLENGE);
    const otherChallenge = cryptosign.generateChallenge();
    const tampered = (signature[0] === '0' ? '1' : '0') + signature.slice(1);
    expect(cryptosign.verifyChallengeSignature(other, CHALLENGE, signature)).toBe(false);
    expect(cryptosign.verifyChallengeSignature(pubkey, otherChallenge, signature.slice(0, 128))).toBe(false);
    // a valid signature of CHALLENGE that echoes a different challenge
    expect(
      cryptosign.verifyChallengeSignature(pubkey, CHALLENGE, signature.slice(0, 128) + otherChallenge),
    ).toBe(false);
    expect(cryptosign.verifyChallengeSignature(pubkey, CHALLENGE, tampered)).toBe(false);
    expect(cryptosign.verifyChallengeSignature(pubkey, CHALLENGE, signature.slice(0, 126))).toBe(false);
    expect(cryptosign.verifyChallengeSignature(pubkey, CHALLENGE, `${signature}00`)).toBe(false);
    expect(cryptosign.verifyChallengeSignature(pubkey, CHALLENGE, 'zz'.repeat(64))).toBe(false);
    expect(cryptosign.verifyChallengeSignature('zz', CHALLENGE, signature)).toBe(false);
    expect(cryptosign.verifyChallengeSignature(pubkey, 'abc', signature)).toBe(false);
    expect(cryptosign.verifyChallengeSignature(pubkey, CHALLENGE, null)).toBe(false);
    expect(cryptosign.verifyChallengeSignature(null, CHALLENGE, signature)).toBe(false);
  });

  it('answers false for a public key that is not a curve point', () => {
    // y = 2 is not the encoding of a point on edwards25519
    const notAPoint = `02${'00'.repeat(31)}`;
    expect(cryptosign.verifyChallengeSignature(notAPoint, CHALLENGE, '00'.repeat(64))).toBe(false);
  });

  it('generates 32-byte random challenges and seeds as hex', () => {
    const a = cryptosign.generateChallenge();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(cryptosign.generateChallenge()).not.toBe(a);
    expect(cryptosign.generateSeed()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses seeds that are not 32 bytes and challenges that are not hex', () => {
    expect(() => cryptosign.keyPairFromSeed('abcd')).toThrow(TypeError);
    expect(() => cryptosign.keyPairFromSeed(`${SEED_HEX}0`)).toThrow(TypeError);
    expect(() => cryptosign.keyPairFromSeed('zz'.repeat(32))).toThrow(TypeError);
    expect(() => cryptosign.keyPairFromSeed(new Uint8Array(31))).toThrow(TypeError);
    expect(() => cryptosign.signChallenge(SEED, 'not hex')).toThrow(TypeError);
  });
});
