import { generateChallenge, verifyChallengeSignature } from '../../protocol/auth/cryptosign';
import type { CryptosignAuthOptions } from './options';
import {
  authenticationFailed,
  isFailure,
  ownEntry,
  STATIC_PROVIDER,
  type AuthChallenge,
  type AuthFailure,
  type Authenticator,
  type AuthOutcome,
  type AuthRequest,
  type Identity,
} from './authenticator';
import { askAuthenticator, authenticationRequest, identityFrom, type AuthenticateFunction } from './dynamic';
import type { LoadedHook } from './hook';

/**
 * WAMP-Cryptosign (spec: "WAMP-Cryptosign Authentication"): the client names its Ed25519
 * public key in HELLO authextra `pubkey`; the router challenges with 32 random bytes and
 * checks the signature. The principal is the HELLO authid, or when absent the one whose
 * authorized keys hold the public key; with a dynamic authenticator, whoever it says. TLS
 * channel binding is not supported.
 *
 * No user enumeration: an unknown authid, or a key its principal does not list (or the
 * authenticator refuses), gets the same challenge; the signature is checked all the same, and
 * it fails at AUTHENTICATE with the error a wrong signature gets.
 */
export class CryptosignAuthenticator implements Authenticator {
  readonly method = 'cryptosign';
  /** Principal by lower-case public key, for HELLOs without an authid. */
  private readonly byKey = new Map<string, string>();

  constructor(
    private readonly options: CryptosignAuthOptions,
    /** The dynamic authenticator, when the options name one instead of principals. */
    private readonly authenticator?: LoadedHook<AuthenticateFunction>,
  ) {
    for (const [authid, principal] of Object.entries(options.principals ?? {})) {
      for (const key of principal.authorizedKeys) this.byKey.set(key.toLowerCase(), authid);
    }
  }

  hello(request: AuthRequest): AuthOutcome | Promise<AuthOutcome> {
    const { pubkey, channel_binding: channelBinding } = request.authextra;
    if (typeof pubkey !== 'string') {
      return authenticationFailed('cryptosign authentication needs authextra.pubkey (hex) in HELLO');
    }
    if (channelBinding != null) {
      return authenticationFailed(`cryptosign channel binding "${String(channelBinding)}" is not supported`);
    }
    const key = pubkey.toLowerCase();
    if (this.authenticator !== undefined) return this.dynamicHello(request, key, this.authenticator);
    const authid = request.authid ?? this.byKey.get(key);
    const principal = ownEntry(this.options.principals ?? {}, authid);
    const authorized =
      principal !== undefined && principal.authorizedKeys.some((k) => k.toLowerCase() === key);
    return this.challenge(
      key,
      authorized && authid !== undefined
        ? {
            authid,
            authrole: principal.role,
            authmethod: this.method,
            authprovider: STATIC_PROVIDER,
            authextra: { pubkey: key },
          }
        : authenticationFailed('invalid signature or unknown authid'),
    );
  }

  /** The authenticator says whether `key` may sign in (and as whom); the signature proves it holds it. */
  private async dynamicHello(
    request: AuthRequest,
    key: string,
    hook: LoadedHook<AuthenticateFunction>,
  ): Promise<AuthOutcome> {
    const verdict = await askAuthenticator(
      hook,
      authenticationRequest(this.method, request, { pubkey: key }),
    );
    if (verdict.kind === 'answer') {
      const identity = identityFrom(hook, verdict.answer, this.method, request.authid);
      if (isFailure(identity)) return identity;
      return this.challenge(key, { ...identity, authextra: { pubkey: key, ...identity.authextra } });
    }
    // A refusal is only told at AUTHENTICATE, as for an unknown authid; a failure (timeout) now.
    if (verdict.kind === 'reject') return verdict;
    return this.challenge(
      key,
      authenticationFailed('invalid signature or unknown authid', verdict.failure.detail),
    );
  }

  /** CHALLENGE with fresh random bytes; a valid signature gives `outcome` (which may be a refusal). */
  private challenge(key: string, outcome: Identity | AuthFailure): AuthChallenge {
    const challenge = generateChallenge();
    return {
      kind: 'challenge',
      extra: { challenge, channel_binding: null },
      verify: ({ signature }) => {
        const valid = verifyChallengeSignature(key, challenge, signature);
        if (!valid) {
          return authenticationFailed(
            'invalid signature or unknown authid',
            isFailure(outcome) ? outcome.detail : undefined,
          );
        }
        return outcome;
      },
    };
  }
}
