import type { Check } from '../options-check';
import type { AuthenticateFunction } from './dynamic';
import { validateHook, type HookOptions } from './hook';

/**
 * A dynamic authenticator (`authenticator`) instead of a static list: a function, or a module
 * export, called with the HELLO (see `AuthenticationRequest`).
 */
export type AuthenticatorOptions = HookOptions<AuthenticateFunction>;

/** Anonymous sessions: every one gets `role` and a random authid. */
export interface AnonymousAuthOptions {
  role: string;
}

/** One ticket principal: the client authenticates with `authid` and this ticket. */
export interface TicketPrincipal {
  ticket: string;
  role: string;
}

/** Ticket authentication against a static list of principals by authid, or a dynamic authenticator. */
export interface TicketAuthOptions {
  principals?: Record<string, TicketPrincipal>;
  /** Called with the ticket after the CHALLENGE (`request.ticket`); gives the role. */
  authenticator?: AuthenticatorOptions;
}

/**
 * One WAMP-CRA user. Give either `secret` (the shared secret; with `salt` the router
 * derives the key at start-up) or `key` (the key already derived from a salted secret with
 * autobahn's `auth_cra.derive_key(secret, salt, iterations, keylen)`, as Crossbar.io's
 * configuration holds it, so the secret itself is stored nowhere).
 */
export interface WampCraUser {
  secret?: string;
  key?: string;
  role: string;
  salt?: string;
  /** PBKDF2 iterations of a salted secret. Default 1000. */
  iterations?: number;
  /** Derived key length in bytes. Default 32. */
  keylen?: number;
}

/** WAMP-CRA against a static list of users by authid, or a dynamic authenticator. */
export interface WampCraAuthOptions {
  users?: Record<string, WampCraUser>;
  /** Called at HELLO; gives the role and the secret (or salted key) to check the signature with. */
  authenticator?: AuthenticatorOptions;
}

/** One cryptosign principal: the Ed25519 public keys (64 hex characters) it may sign with. */
export interface CryptosignPrincipal {
  authorizedKeys: string[];
  role: string;
}

/** WAMP-Cryptosign against a static list of principals by authid, or a dynamic authenticator. */
export interface CryptosignAuthOptions {
  principals?: Record<string, CryptosignPrincipal>;
  /** Called at HELLO with `request.pubkey`; accepting means the key may sign in as the authid. */
  authenticator?: AuthenticatorOptions;
}

/**
 * One TLS principal: the client certificate it presents, by SHA-256 `fingerprint` (hex pairs,
 * colons optional; any certificate, pinned) or by subject `commonName` (only a certificate
 * the listener's `ca` signed).
 */
export interface TlsPrincipal {
  fingerprint?: string;
  commonName?: string;
  role: string;
}

/**
 * TLS client-certificate authentication (authmethod `tls`, as Crossbar.io's): the session is
 * who its certificate says, with no CHALLENGE. Needs a TLS listener with `requestCert`.
 */
export interface TlsAuthOptions {
  principals?: Record<string, TlsPrincipal>;
  /** Called at HELLO with `request.transport.certificate`. */
  authenticator?: AuthenticatorOptions;
}

/**
 * How sessions authenticate, by method. A client offers methods in HELLO `authmethods`
 * (default `["anonymous"]`); the router takes the first it has configured. A method that is
 * absent here is refused.
 *
 * @example
 * { ticket: { principals: { alice: { ticket: 's3cret', role: 'user' } } },
 *   anonymous: { role: 'guest' } }
 */
export interface AuthOptions {
  anonymous?: AnonymousAuthOptions;
  ticket?: TicketAuthOptions;
  wampcra?: WampCraAuthOptions;
  cryptosign?: CryptosignAuthOptions;
  tls?: TlsAuthOptions;
}

const PUBLIC_KEY_HEX = /^[0-9a-fA-F]{64}$/;

/** Validates `auth` (router-wide or per realm). */
export function validateAuth(c: Check): void {
  c.object(['anonymous', 'ticket', 'wampcra', 'cryptosign', 'tls']);
  c.optional('anonymous', (a) => {
    a.object(['role']);
    a.string('role');
  });
  c.optional('ticket', (t) => {
    t.object(['principals', 'authenticator']);
    staticOrDynamic(t, 'principals');
    t.optionalRecord('principals', (p) => {
      p.object(['ticket', 'role']);
      p.string('ticket');
      p.string('role');
    });
  });
  c.optional('wampcra', (w) => {
    w.object(['users', 'authenticator']);
    staticOrDynamic(w, 'users');
    w.optionalRecord('users', validateWampCraUser);
  });
  c.optional('tls', (t) => {
    t.object(['principals', 'authenticator']);
    staticOrDynamic(t, 'principals');
    t.optionalRecord('principals', validateTlsPrincipal);
  });
  c.optional('cryptosign', (cs) => {
    cs.object(['principals', 'authenticator']);
    staticOrDynamic(cs, 'principals');
    cs.optionalRecord('principals', (p) => {
      p.object(['authorizedKeys', 'role']);
      p.string('role');
      p.list('authorizedKeys', (key) => {
        if (typeof key.value !== 'string' || !PUBLIC_KEY_HEX.test(key.value)) {
          throw key.error(undefined, 'must be an Ed25519 public key: 64 hex characters');
        }
      });
    });
  });
}

/** A method has its static list (`key`) or a dynamic `authenticator`: exactly one. */
function staticOrDynamic(c: Check, key: string): void {
  const value = c.value as Record<string, unknown>;
  if ((value[key] === undefined) === (value.authenticator === undefined)) {
    throw c.error(key, 'give exactly one of ' + key + ' and authenticator');
  }
  c.optional('authenticator', validateHook);
}

const FINGERPRINT = /^([0-9a-fA-F]{2}:?){31}[0-9a-fA-F]{2}$/;

function validateTlsPrincipal(c: Check): void {
  c.object(['fingerprint', 'commonName', 'role']);
  c.string('role');
  c.optionalString('commonName');
  c.optionalString('fingerprint');
  const { fingerprint, commonName } = c.value as TlsPrincipal;
  if ((fingerprint === undefined) === (commonName === undefined)) {
    throw c.error('fingerprint', 'give exactly one of fingerprint and commonName');
  }
  if (fingerprint !== undefined && !FINGERPRINT.test(fingerprint)) {
    throw c.error('fingerprint', 'must be a SHA-256 fingerprint: 32 hex pairs, colons optional');
  }
}

function validateWampCraUser(c: Check): void {
  c.object(['secret', 'key', 'role', 'salt', 'iterations', 'keylen']);
  c.string('role');
  c.optionalString('secret');
  c.optionalString('key');
  c.optionalString('salt');
  c.optionalInteger('iterations', 1, 10_000_000);
  c.optionalInteger('keylen', 1, 1024);
  const user = c.value as WampCraUser;
  if ((user.secret === undefined) === (user.key === undefined)) {
    throw c.error('secret', 'give exactly one of secret and key');
  }
  if (user.key !== undefined && user.salt === undefined) {
    throw c.error('salt', 'is required with key (a key is derived from a salted secret)');
  }
  if (user.salt === undefined && (user.iterations !== undefined || user.keylen !== undefined)) {
    throw c.error('salt', 'is required with iterations and keylen');
  }
}
