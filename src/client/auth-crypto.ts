import * as cryptosign from '../protocol/auth/cryptosign';
import * as wampcra from '../protocol/auth/wampcra';

/**
 * The crypto behind the client's credentials, on Node's `crypto`. The browser bundle
 * replaces this module with `src/browser/auth-crypto.ts` (WebCrypto), which exports the same
 * names: keep the two in step.
 */

/** A cryptosign identity: the public key HELLO announces, and the challenge signer. */
export interface CryptosignSigner {
  /** The raw 32-byte Ed25519 public key as lowercase hex (HELLO authextra `pubkey`). */
  readonly publicKeyHex: string;
  /** The AUTHENTICATE Signature of a CHALLENGE Extra `challenge` (hex). */
  sign(challengeHex: string): string | Promise<string>;
}

/** The signer of a 64-hex-character seed; throws TypeError for a malformed one. */
export function cryptosignSigner(seed: string): CryptosignSigner {
  const keyPair = cryptosign.keyPairFromSeed(seed);
  return {
    publicKeyHex: keyPair.publicKeyHex,
    sign: (challengeHex) => cryptosign.signChallenge(keyPair, challengeHex),
  };
}

/** The `wampcra` AUTHENTICATE Signature of CHALLENGE Extra `extra` (salted secrets derived first). */
export function wampcraSignature(secret: string, extra: Record<string, unknown>): string | Promise<string> {
  return wampcra.computeSignature(secret, extra);
}
