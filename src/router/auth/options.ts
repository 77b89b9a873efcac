import type { Check } from '../options-check';

/** Anonymous sessions: every one gets `role` and a random authid. */
export interface AnonymousAuthOptions {
  role: string;
}

/** One ticket principal: the client authenticates with `authid` and this ticket. */
export interface TicketPrincipal {
  ticket: string;
  role: string;
}

/** Ticket authentication against a static list of principals, by authid. */
export interface TicketAuthOptions {
  principals: Record<string, TicketPrincipal>;
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

/** WAMP-CRA against a static list of users, by authid. */
export interface WampCraAuthOptions {
  users: Record<string, WampCraUser>;
}

/** One cryptosign principal: the Ed25519 public keys (64 hex characters) it may sign with. */
export interface CryptosignPrincipal {
  authorizedKeys: string[];
  role: string;
}

/** WAMP-Cryptosign against a static list of principals, by authid. */
export interface CryptosignAuthOptions {
  principals: Record<string, CryptosignPrincipal>;
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
}

const PUBLIC_KEY_HEX = /^[0-9a-fA-F]{64}$/;

/** Validates `auth` (router-wide or per realm). */
export function validateAuth(c: Check): void {
  c.object(['anonymous', 'ticket', 'wampcra', 'cryptosign']);
  c.optional('anonymous', (a) => {
    a.object(['role']);
    a.string('role');
  });
  c.optional('ticket', (t) => {
    t.object(['principals']);
    t.record('principals', (p) => {
      p.object(['ticket', 'role']);
      p.string('ticket');
      p.string('role');
    });
  });
  c.optional('wampcra', (w) => {
    w.object(['users']);
    w.record('users', validateWampCraUser);
  });
  c.optional('cryptosign', (cs) => {
    cs.object(['principals']);
    cs.record('principals', (p) => {
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
