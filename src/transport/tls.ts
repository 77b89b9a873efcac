import { readFileSync } from 'node:fs';
import { TransportError } from './transport';

/**
 * TLS settings of a client: whom to trust and, for mutual TLS, who we are. Each of `ca`,
 * `cert` and `key` is PEM text (a string that starts with `-----BEGIN`), a buffer of it, or
 * the path of a PEM file, as in the router's options.
 *
 * @example { ca: 'certs/ca.crt', cert: 'certs/client.crt', key: 'certs/client.key' }
 */
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

/** True for PEM text; any other string is a file path. */
export function isPemText(value: string): boolean {
  return value.trimStart().startsWith('-----BEGIN');
}

/**
 * `tls` with its file paths read (relative ones from the working directory); PEM text and
 * buffers stay as they are. Throws `TransportError` (code `TLS_FILE`) naming the option and
 * the path it could not read.
 */
export function readClientTls(tls: ClientTlsOptions): ClientTlsOptions {
  const read = (option: string, value: string | Buffer): string | Buffer => {
    if (typeof value !== 'string' || isPemText(value)) return value;
    try {
      return readFileSync(value, 'utf8');
    } catch (error) {
      const why = (error as Error).message;
      throw new TransportError(`tls.${option}: cannot read "${value}": ${why}`, 'TLS_FILE', { cause: error });
    }
  };
  const ca =
    tls.ca === undefined
      ? undefined
      : Array.isArray(tls.ca)
        ? tls.ca.map((v) => read('ca', v))
        : read('ca', tls.ca);
  return {
    ...tls,
    ca,
    cert: tls.cert === undefined ? undefined : read('cert', tls.cert),
    key: tls.key === undefined ? undefined : read('key', tls.key),
  };
}
