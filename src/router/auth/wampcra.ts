import {
  createChallenge,
  deriveKey,
  DEFAULT_ITERATIONS,
  DEFAULT_KEYLEN,
  verifySignature,
} from '../../protocol/auth/wampcra';
import type { Dict } from '../../protocol/messages';
import { Decoys } from './decoy';
import {
  askAuthenticator,
  authenticationRequest,
  identityFrom,
  invalidAnswer,
  type AuthenticateFunction,
} from './dynamic';
import type { LoadedHook } from './hook';
import type { WampCraAuthOptions, WampCraUser } from './options';
import {
  authenticationFailed,
  isFailure,
  STATIC_PROVIDER,
  type AuthChallenge,
  type AuthFailure,
  type Authenticator,
  type AuthOutcome,
  type AuthRequest,
  type Identity,
} from './authenticator';

/**
 * A user with the keys a signature is checked against, derived once at start-up: one, or for
 * a salted `secret` two (the key derived from it, and the secret itself as the derived key,
 * as Crossbar.io's and wampy's configurations write it).
 */
interface CraUser {
  role: string;
  keys: readonly string[];
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

  constructor(
    options: WampCraAuthOptions,
    /** The dynamic authenticator, when the options name one instead of users. */
    private readonly authenticator?: LoadedHook<AuthenticateFunction>,
  ) {
    for (const [authid, user] of Object.entries(options.users ?? {})) this.users.set(authid, toCraUser(user));
    this.decoys = new Decoys([...this.users.values()].flatMap((user) => user.keys));
  }

  hello(request: AuthRequest): AuthOutcome | Promise<AuthOutcome> {
    const { authid } = request;
    if (authid === undefined) return authenticationFailed('wampcra authentication needs an authid in HELLO');
    if (this.authenticator !== undefined) return this.dynamicHello(request, authid, this.authenticator);
    const user = this.users.get(authid);
    if (user === undefined) return this.challenge(request, authid, this.decoy(authid), unknownUser());
    return this.challenge(request, authid, user, {
      authid,
      authrole: user.role,
      authmethod: this.method,
      authprovider: STATIC_PROVIDER,
    });
  }

  /** The authenticator gives the role and the secret to check the signature with. */
  private async dynamicHello(
    request: AuthRequest,
    authid: string,
    hook: LoadedHook<AuthenticateFunction>,
  ): Promise<AuthOutcome> {
    const verdict = await askAuthenticator(hook, authenticationRequest(this.method, request));
    if (verdict.kind === 'reject') return verdict;
    // A refusal is only told at AUTHENTICATE, as for an unknown authid.
    if (verdict.kind === 'refused') {
      return this.challenge(request, authid, this.decoy(authid), unknownUser(verdict.failure.detail));
    }
    const identity = identityFrom(hook, verdict.answer, this.method, authid);
    if (isFailure(identity)) return identity;
    const user = craUserFrom(verdict.answer, identity.authrole);
    if (user === undefined) return invalidAnswer(hook, 'no secret, or a key without a salt');
    return this.challenge(request, authid, user, identity);
  }

  /**
   * CHALLENGE for `user` (or a decoy); a valid signature gives `outcome`. The signature is
   * checked for unknown authids too: refusing one costs what refusing a wrong secret does.
   */
  private challenge(
    request: AuthRequest,
    authid: string,
    user: Omit<CraUser, 'role'>,
    outcome: Identity | AuthFailure,
  ): AuthChallenge {
    const challenge = createChallenge({
      authid,
      authmethod: this.method,
      authprovider: isFailure(outcome) ? STATIC_PROVIDER : outcome.authprovider,
      session: request.session,
    });
    return {
      kind: 'challenge',
      extra: { challenge, ...user.saltExtra },
      verify: ({ signature }) => {
        // Every key is compared (no early exit), so the work does not depend on which matched.
        const matches = user.keys.map((key) => verifySignature(key, challenge, signature));
        return matches.includes(true) || isFailure(outcome) ? outcome : unknownUser();
      },
    };
  }

  /** What an unknown `authid` is challenged with: the shape of a configured user, derived values. */
  private decoy(authid: string): Omit<CraUser, 'role'> {
    const users = [...this.users.values()];
    const model = users.length === 0 ? undefined : this.decoys.pick('model', authid, users);
    const salt = model?.saltExtra.salt;
    if (model === undefined || typeof salt !== 'string') {
      return { keys: [this.decoys.text('key', authid, model?.keys[0].length ?? 32)], saltExtra: {} };
    }
    const keylen = model.saltExtra.keylen as number;
    // As many keys as the model has, so that refusing costs the same comparisons.
    const keys = model.keys.map((_, i) => this.decoys.bytes(`key${i}`, authid, keylen).toString('base64'));
    return {
      keys,
      saltExtra: {
        salt: this.decoys.text('salt', authid, salt.length),
        iterations: model.saltExtra.iterations,
        keylen,
      },
    };
  }
}

/** The refusal of a wrong secret and of an unknown authid alike. */
function unknownUser(detail?: string): AuthFailure {
  return authenticationFailed('invalid signature or unknown authid', detail);
}

/** The user a dynamic answer describes, or undefined when it gives no usable secret. */
function craUserFrom(answer: Dict, role: string): CraUser | undefined {
  const { secret, key, salt, iterations, keylen } = answer;
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const count = (v: unknown) => (typeof v === 'number' ? v : undefined);
  if (text(secret) === undefined && (text(key) === undefined || text(salt) === undefined)) return undefined;
  try {
    return toCraUser({
      role,
      secret: text(secret),
      key: text(key),
      salt: text(salt),
      iterations: count(iterations),
      keylen: count(keylen),
    });
  } catch {
    // Iterations or key length out of bounds.
    return undefined;
  }
}

function toCraUser(user: WampCraUser): CraUser {
  if (user.salt === undefined) return { role: user.role, keys: [user.secret!], saltExtra: {} };
  const iterations = user.iterations ?? DEFAULT_ITERATIONS;
  const keylen = user.keylen ?? DEFAULT_KEYLEN;
  // A salted `secret` is the shared secret (the key is derived from it) or, as Crossbar.io and
  // wampy write their configuration, the derived key itself: a signature with either passes.
  // Neither weakens the other: whoever knows the secret can derive the key anyway.
  const keys =
    user.key !== undefined
      ? [user.key]
      : [deriveKey(user.secret!, user.salt, iterations, keylen), user.secret!];
  return { role: user.role, keys, saltExtra: { salt: user.salt, iterations, keylen } };
}
