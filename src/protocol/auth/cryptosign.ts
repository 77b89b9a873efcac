import { createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { CRYPTOSIGN } from './methods';

/**
 * WAMP-Cryptosign (spec: "WAMP-Cryptosign Authentication"): Ed25519 with Node's own crypto.
 * The client announces HELLO authextra `pubkey` (hex); the router sends CHALLENGE
 * `cryptosign` with Extra `challenge`, 32 random bytes in hex; the client answers with the
 * hex of the 64-byte signature followed by the challenge hex (autobahn's format).
 *
 * Not covered: channel binding (`tls-unique`), where the challenge is XORed with the TLS
 * channel id. Peers that ask for it (`channel_binding` in authextra) are not supported.
 */

/** The method name in HELLO `authmethods` and CHALLENGE. */
export const AUTH_METHOD = CRYPTOSIGN;

const SEED_BYTES = 32;
const PUBLIC_KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;
const CHALLENGE_BYTES = 32;

// DER prefixes that wrap a raw Ed25519 seed (PKCS#8) and a raw public key (SPKI), RFC 8410.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** An Ed25519 key pair made from a 32-byte seed. */
export interface CryptosignKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The raw 32-byte public key as lowercase hex, what HELLO authextra `pubkey` carries. */
  readonly publicKeyHex: string;
}

/** A seed as 64 hex characters or 32 bytes, or a key pair already made from one. */
export type SeedOrKeyPair = string | Uint8Array | CryptosignKeyPair;

/** A fresh random seed as hex, for a new identity. Keep it secret. */
export function generateSeed(): string {
  return randomBytes(SEED_BYTES).toString('hex');
}

/** The key pair of a 32-byte seed (64 hex characters or bytes). Throws TypeError otherwise. */
export function keyPairFromSeed(seed: string | Uint8Array): CryptosignKeyPair {
  const raw = typeof seed === 'string' ? hexBytes(seed, 'seed') : Buffer.from(seed);
  if (raw.length !== SEED_BYTES) throw new TypeError(`a cryptosign seed must be ${SEED_BYTES} bytes`);
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, raw]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = createPublicKey(privateKey);
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return { privateKey, publicKey, publicKeyHex: spki.subarray(-PUBLIC_KEY_BYTES).toString('hex') };
}

/** The public key (hex) of a seed or key pair. */
export function publicKeyHex(seed: SeedOrKeyPair): string {
  return toKeyPair(seed).publicKeyHex;
}

/** A router's CHALLENGE Extra `challenge`: 32 random bytes as hex. */
export function generateChallenge(): string {
  return randomBytes(CHALLENGE_BYTES).toString('hex');
}

/**
 * The client's AUTHENTICATE Signature: hex of the Ed25519 signature of the challenge bytes,
 * followed by the challenge hex. Throws TypeError when the challenge is not hex.
 */
export function signChallenge(seed: SeedOrKeyPair, challengeHex: string): string {
  const challenge = hexBytes(challengeHex, 'challenge');
  const signature = sign(null, challenge, toKeyPair(seed).privateKey);
  return signature.toString('hex') + challenge.toString('hex');
}

/**
 * True when `signatureHex` is a valid signature of the challenge by `pubkeyHex`. Accepts the
 * signature alone (128 hex) or followed by the challenge (192 hex), which must then be the
 * challenge that was sent. Malformed input of any kind gives false, never an exception.
 */
export function verifyChallengeSignature(
  pubkeyHex: unknown,
  challengeHex: unknown,
  signatureHex: unknown,
): boolean {
  if (!isHexOfLength(pubkeyHex, PUBLIC_KEY_BYTES) || !isHexOfLength(challengeHex, CHALLENGE_BYTES))
    return false;
  if (typeof signatureHex !== 'string' || !HEX.test(signatureHex)) return false;
  const signature = Buffer.from(signatureHex, 'hex');
  if (signature.length === SIGNATURE_BYTES + CHALLENGE_BYTES) {
    const echoed = signature.subarray(SIGNATURE_BYTES).toString('hex');
    if (echoed !== challengeHex.toLowerCase()) return false;
  } else if (signature.length !== SIGNATURE_BYTES) {
    return false;
  }
  try {
    const publicKey = createPublicKey({
      key: Buffer.concat([SPKI_ED25519_PREFIX, Buffer.from(pubkeyHex, 'hex')]),
      format: 'der',
      type: 'spki',
    });
    return verify(null, Buffer.from(challengeHex, 'hex'), publicKey, signature.subarray(0, SIGNATURE_BYTES));
  } catch {
    return false; // 32 bytes that are not a point on the curve
  }
}

function toKeyPair(seed: SeedOrKeyPair): CryptosignKeyPair {
  return typeof seed === 'string' || seed instanceof Uint8Array ? keyPairFromSeed(seed) : seed;
}

function hexBytes(text: string, what: string): Buffer {
  if (!HEX.test(text)) throw new TypeError(`a cryptosign ${what} must be hex with an even number of digits`);
  return Buffer.from(text, 'hex');
}

function isHexOfLength(value: unknown, bytes: number): value is string {
  return typeof value === 'string' && value.length === bytes * 2 && HEX.test(value);
}
