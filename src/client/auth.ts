import { CRYPTOSIGN, TICKET, WAMPCRA } from '../protocol/auth/methods';
import type { Dict, HelloDetails } from '../protocol/messages';
import { cryptosignSigner, wampcraSignature, type CryptosignSigner } from './auth-crypto';

/** A CHALLENGE as `onChallenge` sees it. */
export interface AuthChallenge {
  /** The method the router chose from HELLO `authmethods`: `ticket`, `wampcra`, `cryptosign`... */
  readonly method: string;
  /** CHALLENGE Extra (`challenge`, `salt`, `iterations`, `keylen`...). */
  readonly extra: Dict;
}

/** Answers a CHALLENGE with the AUTHENTICATE Signature. A throw aborts the join. */
export type ChallengeHandler = (challenge: AuthChallenge) => string | Promise<string>;

/**
 * Who the client is and how it proves it. With no credential the client joins as `anonymous`.
 * Each credential adds its method to HELLO `authmethods` unless `authmethods` is given.
 *
 * @example { authid: 'alice', secret: 's3cret' }          // WAMP-CRA, salted or not
 * @example { authid: 'device-7', privateKey: seedHex }    // cryptosign
 */
export interface AuthOptions {
  authid?: string;
  authrole?: string;
  /** HELLO `authmethods`, in order of preference. Derived from the credentials when absent. */
  authmethods?: string[];
  /** HELLO `authextra`; with `privateKey`, `pubkey` is added. */
  authextra?: Dict;
  /** Ticket authentication: sent as is. */
  ticket?: string;
  /**
   * WAMP-CRA secret. When the CHALLENGE carries `salt` (with `iterations`, `keylen`) the key
   * is derived from it with PBKDF2, as Crossbar.io's salted secrets need.
   */
  secret?: string;
  /** Cryptosign: the Ed25519 private key seed, 64 hex characters. */
  privateKey?: string;
  /** Answers challenges no credential above covers (or all, when none is given). */
  onChallenge?: ChallengeHandler;
}

/** HELLO's authentication fields and the answers to CHALLENGEs, from `AuthOptions`. */
export class Authenticator {
  private readonly signer?: CryptosignSigner;
  private readonly methods: string[];

  /** Throws TypeError for a malformed `privateKey`, or `onChallenge` without `authmethods`. */
  constructor(private readonly options: AuthOptions) {
    if (options.privateKey !== undefined) this.signer = cryptosignSigner(options.privateKey);
    this.methods = options.authmethods ?? this.credentialMethods();
  }

  /** The HELLO Details fields of authentication. */
  helloDetails(): Pick<HelloDetails, 'authmethods' | 'authid' | 'authrole' | 'authextra'> {
    const { authid, authrole } = this.options;
    let authextra = this.options.authextra;
    if (this.signer) authextra = { ...authextra, pubkey: this.signer.publicKeyHex };
    return {
      authmethods: this.methods,
      ...(authid !== undefined && { authid }),
      ...(authrole !== undefined && { authrole }),
      ...(authextra !== undefined && { authextra }),
    };
  }

  /** The AUTHENTICATE Signature for a CHALLENGE; throws when no credential answers `method`. */
  async respond(method: string, extra: Dict): Promise<string> {
    const { ticket, secret, onChallenge } = this.options;
    if (method === WAMPCRA && secret !== undefined) return wampcraSignature(secret, extra);
    if (method === TICKET && ticket !== undefined) return ticket;
    if (method === CRYPTOSIGN && this.signer !== undefined) {
      if (typeof extra.challenge !== 'string')
        throw new TypeError('cryptosign CHALLENGE Extra.challenge must be a string');
      return this.signer.sign(extra.challenge);
    }
    if (onChallenge !== undefined) {
      const signature = await onChallenge({ method, extra });
      if (typeof signature !== 'string')
        throw new TypeError('onChallenge must return the signature as a string');
      return signature;
    }
    throw new Error(`no credential for the ${method} challenge (offered: ${this.methods.join(', ')})`);
  }

  private credentialMethods(): string[] {
    const methods: string[] = [];
    if (this.signer !== undefined) methods.push(CRYPTOSIGN);
    if (this.options.secret !== undefined) methods.push(WAMPCRA);
    if (this.options.ticket !== undefined) methods.push(TICKET);
    if (methods.length > 0) return methods;
    if (this.options.onChallenge !== undefined) {
      throw new TypeError('onChallenge needs authmethods: which methods should HELLO offer?');
    }
    return ['anonymous'];
  }
}
