import { createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type { Id } from '../messages';
import { secretsEqual } from './secret-compare';

/**
 * WAMP-CRA, challenge-response authentication (spec: "Challenge Response Authentication").
 * The router sends CHALLENGE `wampcra` whose Extra holds `challenge` (a JSON string) and, for
 * salted secrets, `salt`, `iterations` and `keylen`. The client answers AUTHENTICATE with
 * base64(HMAC-SHA256(key, challenge)), where the key is the secret itself, or for salted
 * secrets the base64 text of PBKDF2-HMAC-SHA256(secret, salt). Same results as autobahn-js
 * `auth_cra.derive_key` / `auth_cra.sign` and Crossbar.io.
 */

/** The method name in HELLO `authmethods` and CHALLENGE. */
export const AUTH_METHOD = 'wampcra';

/** Defaults of a salted secret, as in autobahn and Crossbar. */
export const DEFAULT_ITERATIONS = 1000;
export const DEFAULT_KEYLEN = 32;

/**
 * Bounds on what a router may ask the client to compute: a hostile router must not be able
 * to stall the client with billions of PBKDF2 rounds or a huge key.
 */
const MAX_ITERATIONS = 10_000_000;
const MAX_KEYLEN = 1024;

/**
 * The key of a salted secret: base64 of PBKDF2-HMAC-SHA256 (autobahn `derive_key`).
 * @example deriveKey('secret', 'salt123', 100, 16)
 */
export function deriveKey(
  secret: string,
  salt: string,
  iterations = DEFAULT_ITERATIONS,
  keylen = DEFAULT_KEYLEN,
): string {
  checkBound('iterations', iterations, MAX_ITERATIONS);
  checkBound('keylen', keylen, MAX_KEYLEN);
  return pbkdf2Sync(secret, salt, iterations, keylen, 'sha256').toString('base64');
}

/** The AUTHENTICATE Signature: base64(HMAC-SHA256(key, challenge)), both as UTF-8 text. */
export function signChallenge(key: string, challenge: string): string {
  return createHmac('sha256', key).update(challenge, 'utf8').digest('base64');
}

/** True when `signature` (an untrusted wire value) signs `challenge` with `key`; constant time. */
export function verifySignature(key: string, challenge: string, signature: unknown): boolean {
  return secretsEqual(signChallenge(key, challenge), signature);
}

/** What the challenge string carries (Crossbar.io's fields). */
export interface ChallengeInfo {
  authid: string;
  /**
   * Crossbar.io names the role; omit it so that the challenge does not tell a known authid
   * from an unknown one (clients sign the text and never read it).
   */
  authrole?: string;
  /** Defaults to `wampcra`. */
  authmethod?: string;
  authprovider: string;
  session: Id;
  /** Random when absent: 48 random bytes in base64 (64 characters, as Crossbar's). */
  nonce?: string;
  /** ISO 8601 UTC with milliseconds; now when absent. */
  timestamp?: string;
}

/**
 * The challenge string a router sends in CHALLENGE Extra `challenge`: a JSON object of the
 * session's identity, a nonce and a timestamp. The client signs the exact text, so the router
 * must keep this string to verify the answer.
 */
export function createChallenge(info: ChallengeInfo): string {
  return JSON.stringify({
    authid: info.authid,
    ...(info.authrole === undefined ? {} : { authrole: info.authrole }),
    authmethod: info.authmethod ?? AUTH_METHOD,
    authprovider: info.authprovider,
    session: info.session,
    nonce: info.nonce ?? randomBytes(48).toString('base64'),
    timestamp: info.timestamp ?? new Date().toISOString(),
  });
}

/** CHALLENGE Extra of `wampcra`; salt, iterations and keylen only for salted secrets. */
export interface WampcraChallengeExtra {
  challenge: string;
  salt?: string;
  iterations?: number;
  keylen?: number;
}

/**
 * The client's AUTHENTICATE Signature for a CHALLENGE Extra: derives the key first when the
 * router sent a salt. Throws TypeError when Extra is malformed.
 */
export function computeSignature(secret: string, extra: Record<string, unknown>): string {
  const { challenge, salt, iterations, keylen } = extra;
  if (typeof challenge !== 'string')
    throw new TypeError('wampcra CHALLENGE Extra.challenge must be a string');
  if (salt === undefined || salt === null) return signChallenge(secret, challenge);
  if (typeof salt !== 'string') throw new TypeError('wampcra CHALLENGE Extra.salt must be a string');
  const key = deriveKey(
    secret,
    salt,
    optionalNumber('iterations', iterations),
    optionalNumber('keylen', keylen),
  );
  return signChallenge(key, challenge);
}

function optionalNumber(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw new TypeError(`wampcra CHALLENGE Extra.${name} must be a number`);
  return value;
}

function checkBound(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new RangeError(`wampcra ${name} must be an integer in 1..${max}, got ${value}`);
  }
}
