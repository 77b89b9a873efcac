import type * as NodeAuthCrypto from '../client/auth-crypto';
import { readWampcraExtra } from '../protocol/auth/wampcra-extra';

/**
 * The browser bundle's `client/auth-crypto.ts`: the same exports on WebCrypto
 * (`crypto.subtle`, which pages have on https and on localhost / 127.0.0.1). Typed by the Node
 * module, so the two cannot drift apart.
 */

export type { CryptosignSigner } from '../client/auth-crypto';

/** Not in the browser bundle: deriving the public key HELLO announces needs a synchronous Ed25519. */
export const cryptosignSigner: typeof NodeAuthCrypto.cryptosignSigner = () => {
  throw new TypeError(
    'cryptosign (privateKey) is not available in the browser bundle: use ticket, wampcra (secret) or onChallenge',
  );
};

/** `wampcra` on WebCrypto: HMAC-SHA256 of the challenge, keyed by the secret or its PBKDF2 key. */
export const wampcraSignature: typeof NodeAuthCrypto.wampcraSignature = async (secret, extra) => {
  const { challenge, salted } = readWampcraExtra(extra);
  const key = salted === undefined ? secret : await deriveKey(secret, salted);
  return base64(await hmacSha256(key, challenge));
};

const utf8 = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text);

function subtle(): typeof globalThis.crypto.subtle {
  const api = globalThis.crypto?.subtle;
  if (api === undefined)
    throw new TypeError('wampcra needs WebCrypto (crypto.subtle): serve the page over https');
  return api;
}

async function deriveKey(
  secret: string,
  salted: { salt: string; iterations: number; keylen: number },
): Promise<string> {
  const material = await subtle().importKey('raw', utf8(secret), 'PBKDF2', false, ['deriveBits']);
  const bits = await subtle().deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: utf8(salted.salt), iterations: salted.iterations },
    material,
    salted.keylen * 8,
  );
  return base64(bits);
}

async function hmacSha256(key: string, text: string): Promise<ArrayBuffer> {
  const hmac = await subtle().importKey('raw', utf8(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return subtle().sign('HMAC', hmac, utf8(text));
}

function base64(bytes: ArrayBuffer): string {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
