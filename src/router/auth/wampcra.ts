import { randomBytes } from 'node:crypto';
import {
  createChallenge,
  deriveKey,
  DEFAULT_ITERATIONS,
  DEFAULT_KEYLEN,
  verifySignature,
} from '../../protocol/auth/wampcra';
import type { Dict } from '../../protocol/messages';
import type { WampCraAuthOptions, WampCraUser } from './options';
import {
  authenticationFailed,
  STATIC_PROVIDER,
  type Authenticator,
  type AuthOutcome,
  type AuthRequest,
} from './authenticator';

/** A user with the key the signature is checked against, derived once at start-up. */
interface CraUser {
  role: string;
  key: string;
  /** CHALLENGE Extra for salted secrets: salt, iterations, keylen. */
  saltExtra: Dict;
}

/**
 * WAMP-CRA (spec: "Challenge Response Authentication"). The challenge string carries the
 * session's identity, a nonce and a timestamp; the client signs it with the secret, or with
 * the key derived from a salted secret (PBKDF2 parameters sent in Extra). An unknown authid
 * gets a challenge too and fails at AUTHENTICATE with the same error as a wrong secret.
 */
export class WampCraAuthenticator implements Authenticator {
  readonly method = 'wampcra';
  private readonly users = new Map<string, CraUser>();

  constructor(options: WampCraAuthOptions) {
    for (const [authid, user] of Object.entries(options.users)) this.users.set(authid, toCraUser(user));
  }

  hello(request: AuthRequest): AuthOutcome {
    const { authid } = request;
    if (authid === undefined) return authenticationFailed('wampcra authentication needs an authid in HELLO');
    const user = this.users.get(authid);
    const authrole = user?.role ?? 'anonymous';
    const challenge = createChallenge({
      authid,
      authrole,
      authmethod: this.method,
      authprovider: STATIC_PROVIDER,
      session: request.session,
    });
    const key = user?.key ?? randomBytes(32).toString('base64');
    return {
      kind: 'challenge',
      extra: { challenge, ...user?.saltExtra },
      verify: ({ signature }) =>
        user !== undefined && verifySignature(key, challenge, signature)
          ? { authid, authrole, authmethod: this.method, authprovider: STATIC_PROVIDER }
          : authenticationFailed('invalid signature or unknown authid'),
    };
  }
}

function toCraUser(user: WampCraUser): CraUser {
  if (user.salt === undefined) return { role: user.role, key: user.secret!, saltExtra: {} };
  const iterations = user.iterations ?? DEFAULT_ITERATIONS;
  const keylen = user.keylen ?? DEFAULT_KEYLEN;
  const key = user.key ?? deriveKey(user.secret!, user.salt, iterations, keylen);
  return { role: user.role, key, saltExtra: { salt: user.salt, iterations, keylen } };
}
