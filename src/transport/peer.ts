import type { Socket } from 'node:net';

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
