import {
  createChallenge,
  deriveKey,
  DEFAULT_ITERATIONS,
  DEFAULT_KEYLEN,
  verifySignature,
} from '../../protocol/auth/wampcra';
import type { Dict } from '../../protocol/messages';
import { Decoys } from './decoy';
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
 * session's authid, a nonce and a timestamp; the client signs it with the secret, or with
 * the key derived from a salted secret (PBKDF2 parameters sent in Extra).
 *
 * No user enumeration: an unknown authid gets a challenge of the same shape as a known one,
 * with salt, iterations and key length copied from the shape of a configured user and derived
 * from the authid (the same every time); the challenge names no role; its signature is checked
 * against a derived dummy key (the same HMAC and constant-time comparison) and fails with the
 * same error as a wrong secret.
 */
export class WampCraAuthenticator implements Authenticator {
  readonly method = 'wampcra';
  private readonly users = new Map<string, CraUser>();
  private readonly decoys: Decoys;

  constructor(options: WampCraAuthOptions) {
    for (const [authid, user] of Object.entries(options.users)) this.users.set(authid, toCraUser(user));
    this.decoys = new Decoys([...this.users.values()].map((user) => user.key));
  }

  hello(request: AuthRequest): AuthOutcome {
    const { authid } = request;
    if (authid === undefined) return authenticationFailed('wampcra authentication needs an authid in HELLO');
    const user = this.users.get(authid);
    const { key, saltExtra } = user ?? this.decoy(authid);
    const challenge = createChallenge({
      authid,
      authmethod: this.method,
      authprovider: STATIC_PROVIDER,
      session: request.session,
    });
    return {
      kind: 'challenge',
      extra: { challenge, ...saltExtra },
      verify: ({ signature }) => {
        // Checked for unknown authids too: refusing one costs what refusing a wrong secret does.
        const valid = verifySignature(key, challenge, signature);
        return valid && user !== undefined
          ? { authid, authrole: user.role, authmethod: this.method, authprovider: STATIC_PROVIDER }
          : authenticationFailed('invalid signature or unknown authid');
      },
    };
  }

  /** What an unknown `authid` is challenged with: the shape of a configured user, derived values. */
  private decoy(authid: string): Omit<CraUser, 'role'> {
    const users = [...this.users.values()];
    const model = users.length === 0 ? undefined : this.decoys.pick('model', authid, users);
    const salt = model?.saltExtra.salt;
    if (model === undefined || typeof salt !== 'string') {
      return { key: this.decoys.text('key', authid, model?.key.length ?? 32), saltExtra: {} };
    }
    const keylen = model.saltExtra.keylen as number;
    return {
      key: this.decoys.bytes('key', authid, keylen).toString('base64'),
      saltExtra: {
        salt: this.decoys.text('salt', authid, salt.length),
        iterations: model.saltExtra.iterations,
        keylen,
      },
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
