import { createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type { Id } from '../messages';
import { secretsEqual } from './secret-compare';
import {
  checkedIterations,
  checkedKeylen,
  DEFAULT_ITERATIONS,
  DEFAULT_KEYLEN,
  readWampcraExtra,
} from './wampcra-extra';
import { WAMPCRA } from './methods';

/**
 * WAMP-CRA, challenge-response authentication (spec: "Challenge Response Authentication").
 * The router sends CHALLENGE `wampcra` whose Extra holds `challenge` (a JSON string) and, for
 * salted secrets, `salt`, `iterations` and `keylen`. The client answers AUTHENTICATE with
 * base64(HMAC-SHA256(key, challenge)), where the key is the secret itself, or for salted
 * secrets the base64 text of PBKDF2-HMAC-SHA256(secret, salt). Same results as autobahn-js
 * `auth_cra.derive_key` / `auth_cra.sign` and Crossbar.io.
 */

/** The method name in HELLO `authmethods` and CHALLENGE. */
export const AUTH_METHOD = WAMPCRA;

export { DEFAULT_ITERATIONS, DEFAULT_KEYLEN };

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
  return pbkdf2Sync(secret, salt, checkedIterations(iterations), checkedKeylen(keylen), 'sha256').toString(
    'base64',
  );
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
  const { challenge, salted } = readWampcraExtra(extra);
  if (salted === undefined) return signChallenge(secret, challenge);
  return signChallenge(deriveKey(secret, salted.salt, salted.iterations, salted.keylen), challenge);
}
