import type { PeerCertificate } from '../../transport/transport';
import type { TlsAuthOptions, TlsPrincipal } from './options';
import {
  authenticationFailed,
  isFailure,
  STATIC_PROVIDER,
  type Authenticator,
  type AuthOutcome,
  type AuthRequest,
} from './authenticator';
import { askIdentity, type AuthenticateFunction } from './dynamic';
import type { LoadedHook } from './hook';

/**
 * TLS client-certificate authentication (authmethod `tls`, as Crossbar.io's): the client
 * certificate of the session's link says who it is, with no CHALLENGE. A principal names its
 * certificate by SHA-256 fingerprint (a pinned certificate, signed by anyone) or by subject
 * CN (then only a certificate that chains to the listener's `ca`); a HELLO authid, when given,
 * must be the principal's. A dynamic authenticator gets the certificate in
 * `request.transport.certificate` and decides.
 */
export class TlsAuthenticator implements Authenticator {
  readonly method = 'tls';
  private readonly principals: [authid: string, principal: TlsPrincipal][];

  constructor(
    options: TlsAuthOptions,
    /** The dynamic authenticator, when the options name one instead of principals. */
    private readonly authenticator?: LoadedHook<AuthenticateFunction>,
  ) {
    this.principals = Object.entries(options.principals ?? {});
  }

  hello(request: AuthRequest): AuthOutcome | Promise<AuthOutcome> {
    const certificate = request.transport.certificate;
    if (certificate === undefined) {
      return authenticationFailed('tls authentication needs a TLS client certificate');
    }
    if (this.authenticator !== undefined) return this.dynamicHello(request, this.authenticator);
    const found = this.principals.find(
      ([authid, principal]) =>
        (request.authid === undefined || request.authid === authid) && matches(principal, certificate),
    );
    if (found === undefined) return authenticationFailed('no principal for this client certificate');
    const [authid, principal] = found;
    return {
      kind: 'accept',
      identity: {
        authid,
        authrole: principal.role,
        authmethod: this.method,
        authprovider: STATIC_PROVIDER,
        authextra: { fingerprint: certificate.fingerprint256 },
      },
    };
  }

  private async dynamicHello(
    request: AuthRequest,
    hook: LoadedHook<AuthenticateFunction>,
  ): Promise<AuthOutcome> {
    const identity = await askIdentity(hook, this.method, request);
    return isFailure(identity) ? identity : { kind: 'accept', identity };
  }
}

function matches(principal: TlsPrincipal, certificate: PeerCertificate): boolean {
  if (principal.fingerprint !== undefined) {
    return normalize(principal.fingerprint) === normalize(certificate.fingerprint256);
  }
  return certificate.authorized && certificate.subject.CN === principal.commonName;
}

/** `ab:12:...` and `AB12...` alike. */
function normalize(fingerprint: string): string {
  return fingerprint.replaceAll(':', '').toUpperCase();
}
