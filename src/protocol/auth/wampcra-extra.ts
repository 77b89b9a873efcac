/**
 * The client's reading of a `wampcra` CHALLENGE Extra, without the crypto: what to sign and,
 * for a salted secret, how to derive the key. Shared by Node's `wampcra.ts` and the browser
 * bundle's WebCrypto signer, so both refuse the same malformed or hostile challenges.
 */

/** Defaults of a salted secret, as in autobahn and Crossbar. */
export const DEFAULT_ITERATIONS = 1000;
export const DEFAULT_KEYLEN = 32;

/**
 * Bounds on what a router may ask the client to compute: a hostile router must not be able
 * to stall the client with billions of PBKDF2 rounds or a huge key.
 */
export const MAX_ITERATIONS = 10_000_000;
export const MAX_KEYLEN = 1024;

/** What a client computes for one CHALLENGE: HMAC of `challenge`, keyed by `salted`'s PBKDF2 key if present. */
export interface WampcraSigningInput {
  challenge: string;
  salted?: { salt: string; iterations: number; keylen: number };
}

/** Reads CHALLENGE Extra; throws TypeError when it is malformed, RangeError when out of bounds. */
export function readWampcraExtra(extra: Record<string, unknown>): WampcraSigningInput {
  const { challenge, salt, iterations, keylen } = extra;
  if (typeof challenge !== 'string')
    throw new TypeError('wampcra CHALLENGE Extra.challenge must be a string');
  if (salt === undefined || salt === null) return { challenge };
  if (typeof salt !== 'string') throw new TypeError('wampcra CHALLENGE Extra.salt must be a string');
  return {
    challenge,
    salted: {
      salt,
      iterations: checkedIterations(optionalNumber('iterations', iterations) ?? DEFAULT_ITERATIONS),
      keylen: checkedKeylen(optionalNumber('keylen', keylen) ?? DEFAULT_KEYLEN),
    },
  };
}

export function checkedIterations(value: number): number {
  return checkBound('iterations', value, MAX_ITERATIONS);
}

export function checkedKeylen(value: number): number {
  return checkBound('keylen', value, MAX_KEYLEN);
}

function optionalNumber(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw new TypeError(`wampcra CHALLENGE Extra.${name} must be a number`);
  return value;
}

function checkBound(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new RangeError(`wampcra ${name} must be an integer in 1..${max}, got ${value}`);
  }
  return value;
}
