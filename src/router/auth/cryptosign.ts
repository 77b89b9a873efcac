import { generateChallenge, verifyChallengeSignature } from '../../protocol/auth/cryptosign';
import type { CryptosignAuthOptions } from './options';
import {
  authenticationFailed,
  ownEntry,
  STATIC_PROVIDER,
  type Authenticator,
  type AuthOutcome,
  type AuthRequest,
} from './authenticator';

/**
 * WAMP-Cryptosign (spec: "WAMP-Cryptosign Authentication"): the client names its Ed25519
 * public key in HELLO authextra `pubkey`; the router challenges with 32 random bytes and
 * checks the signature. The principal is the HELLO authid, or when absent the one whose
 * authorized keys hold the public key. TLS channel binding is not supported.
 *
 * No user enumeration: an unknown authid, or a key its principal does not list, gets the same
 * challenge; the signature is checked all the same, and it fails at AUTHENTICATE with the
 * error a wrong signature gets.
 */
export class CryptosignAuthenticator implements Authenticator {
  readonly method = 'cryptosign';
  /** Principal by lower-case public key, for HELLOs without an authid. */
  private readonly byKey = new Map<string, string>();

  constructor(private readonly options: CryptosignAuthOptions) {
    for (const [authid, principal] of Object.entries(options.principals)) {
      for (const key of principal.authorizedKeys) this.byKey.set(key.toLowerCase(), authid);
    }
  }

  hello(request: AuthRequest): AuthOutcome {
    const { pubkey, channel_binding: channelBinding } = request.authextra;
    if (typeof pubkey !== 'string') {
      return authenticationFailed('cryptosign authentication needs authextra.pubkey (hex) in HELLO');
    }
    if (channelBinding != null) {
      return authenticationFailed(`cryptosign channel binding "${String(channelBinding)}" is not supported`);
    }
    const key = pubkey.toLowerCase();
    const authid = request.authid ?? this.byKey.get(key);
    const principal = ownEntry(this.options.principals, authid);
    const authorized =
      principal !== undefined && principal.authorizedKeys.some((k) => k.toLowerCase() === key);
    const challenge = generateChallenge();
    return {
      kind: 'challenge',
      extra: { challenge, channel_binding: null },
      verify: ({ signature }) => {
        const valid = verifyChallengeSignature(key, challenge, signature);
        return valid && authorized && authid !== undefined
          ? {
              authid,
              authrole: principal.role,
              authmethod: this.method,
              authprovider: STATIC_PROVIDER,
              authextra: { pubkey: key },
            }
          : authenticationFailed('invalid signature or unknown authid');
      },
    };
  }
}
