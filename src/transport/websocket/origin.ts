/** Hosts whose pages may connect when no `allowedOrigins` are configured. */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Which `Origin` header values a WebSocket listener accepts (browsers send it with every
 * upgrade; a page open in the developer's browser can reach 127.0.0.1, so the default admits
 * only pages served from the machine itself). See `WebSocketListenOptions.allowedOrigins`.
 */
export class OriginPolicy {
  private readonly patterns: readonly RegExp[] | undefined;

  constructor(allowed: readonly string[] | undefined) {
    this.patterns = allowed?.map(originPattern);
  }

  /** True when a page of `origin` (the header's value) may connect. */
  allows(origin: string): boolean {
    if (this.patterns === undefined) return isLocalOrigin(origin);
    return this.patterns.some((p) => p.test(origin));
  }
}

function isLocalOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // `null`, or not an origin at all
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && LOCAL_HOSTS.has(url.hostname);
}

/** `https://*.example.com` -> /^https:\/\/[^/]*\.example\.com$/i (a `*` never spans a `/`). */
function originPattern(entry: string): RegExp {
  if (entry === '*') return /^/;
  const body = entry
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
    .join('[^/]*');
  return new RegExp(`^${body}$`, 'i');
}
