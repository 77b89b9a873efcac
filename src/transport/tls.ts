/** TLS settings of a client: whom to trust and, for mutual TLS, who we are. PEM strings or buffers. */
export interface ClientTlsOptions {
  /** CA certificate(s) to trust instead of the system store (a private CA). */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Client certificate, for servers that ask for one (mutual TLS). */
  cert?: string | Buffer;
  /** The client certificate's private key. */
  key?: string | Buffer;
  /** Default true. False accepts any server certificate: for tests against self-signed ones only. */
  rejectUnauthorized?: boolean;
}

/** TLS settings of a server. */
export interface ServerTlsOptions {
  cert: string | Buffer;
  key: string | Buffer;
  /** CA certificate(s) that client certificates must chain to (with `requestCert`). */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Ask clients for a certificate (mutual TLS); clients without a trusted one are refused. */
  requestCert?: boolean;
  /** Default true: with `requestCert`, refuse clients whose certificate is missing or untrusted. */
  rejectUnauthorized?: boolean;
}
