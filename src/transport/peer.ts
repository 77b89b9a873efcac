import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { PeerCertificate } from './transport';

const IPV4_MAPPED = '::ffff:';

/**
 * Where the other side of `socket` is, Crossbar style: `tcp4:127.0.0.1:50412`,
 * `tcp6:[::1]:50412`, or `unix:/path` for unix sockets (which have no remote address).
 * Read it once at connect time: a destroyed socket forgets its address.
 */
export function describePeer(socket: Socket, unixPath?: string): string {
  const address = socket.remoteAddress;
  if (address === undefined) return unixPath === undefined ? 'unix' : `unix:${unixPath}`;
  const port = socket.remotePort ?? 0;
  if (socket.remoteFamily === 'IPv6') {
    // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; name them as what they are.
    if (address.startsWith(IPV4_MAPPED) && address.includes('.')) {
      return `tcp4:${address.slice(IPV4_MAPPED.length)}:${port}`;
    }
    return `tcp6:[${address}]:${port}`;
  }
  return `tcp4:${address}:${port}`;
}

/** `host` as it appears in a URL: IPv6 literals in brackets. */
export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * The client certificate of a TLS `socket` (server side), read at connect time; undefined for
 * plain sockets and clients that presented none.
 */
export function describeCertificate(socket: Socket): PeerCertificate | undefined {
  if (!(socket instanceof TLSSocket)) return undefined;
  const cert = socket.getPeerCertificate();
  if (cert === null || typeof cert !== 'object' || !cert.fingerprint256) return undefined;
  const error = socket.authorizationError;
  return {
    subject: plainFields(cert.subject),
    issuer: plainFields(cert.issuer),
    fingerprint256: cert.fingerprint256,
    serialNumber: cert.serialNumber,
    validFrom: cert.valid_from,
    validTo: cert.valid_to,
    authorized: socket.authorized,
    ...(error ? { authorizationError: String(error) } : {}),
  };
}

/** Certificate name fields as plain strings (Node gives a list for a repeated field). */
function plainFields(fields: object | undefined): Record<string, string> {
  const plain: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields ?? {})) {
    plain[key] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return plain;
}
