import type { Logger } from '../logger';
import type { MatchPolicy } from '../protocol/messages';
import type { AuthOptions } from './auth/options';
import { validateAuth } from './auth/options';
import { validateHook, type HookOptions } from './auth/hook';
import type { AuthorizeFunction } from './auth/authorize';
import type { WServiceMetrics } from '../observability/metrics';
import type { HttpBridgeOptions } from './bridge';
import type { DashboardOptions } from './dashboard';
import { RouterOptionsError, Check, type OptionPathSegment } from './options-check';

export { RouterOptionsError, type OptionPathSegment };

/** Serializer names a listener may offer. */
export type SerializerName = 'json' | 'msgpack' | 'cbor';

/**
 * TLS for a listener. `cert`, `key` and `ca` are file paths or PEM text (text that starts
 * with `-----BEGIN`), so the options stay plain data a YAML file can hold.
 */
export interface TlsOptions {
  cert: string;
  key: string;
  /** CA certificates to verify client certificates with. */
  ca?: string;
  /** Ask clients for a certificate (and refuse those the CA did not sign). Default false. */
  requestCert?: boolean;
  /**
   * With `requestCert`: refuse clients whose certificate is missing or not signed by `ca`, in
   * the TLS handshake. Default true; false lets them connect, so that the application (or an
   * authentication method) decides.
   */
  rejectUnauthorized?: boolean;
}

/** A WebSocket listener: `ws://host:port/path` (or `wss://` with `tls`). */
export interface WebSocketListenerOptions {
  type: 'websocket';
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
  /** TCP port; 0 picks a free one, reported in `router.listeners[i].port`. Default 8080. */
  port?: number;
  /** URL path. Default `/ws`. */
  path?: string;
  /** Serializers offered, best first. Default every one wservice speaks. */
  serializers?: SerializerName[];
  tls?: TlsOptions;
  /**
   * Web pages (their `Origin` header) that may connect. Clients that send no Origin (every
   * non-browser client) are always accepted. Default: pages served from `localhost`,
   * `127.0.0.1` or `[::1]`; any other origin gets HTTP 403. Entries: `https://app.example.com`,
   * `https://*.example.com`, `http://localhost:*`, `null` (files, sandboxed frames), or `*`
   * for every page.
   */
  allowedOrigins?: string[];
  /** See `ListenerKeepAlive`. Default on. */
  keepAlive?: ListenerKeepAlive;
  /**
   * Serve the HTTP bridge on this listener's port: `POST /call/<procedure>` and
   * `POST /publish/<topic>` (docs/web.md), under the realm's authentication and authorization
   * and this listener's `allowedOrigins`. `true` for the defaults. Default off.
   */
  bridge?: HttpBridgeOptions | true;
  /**
   * Serve the live dashboard on this listener's port at `/dashboard/` (docs/web.md): a page
   * whose browser code joins `realm` as an ordinary WAMP session with the user's credentials,
   * under this listener's `allowedOrigins` (the page's origin is this listener's own: allow it
   * when it is not localhost). `true` for the defaults. Default off.
   */
  dashboard?: DashboardOptions | true;
}

/**
 * Options of `router.listenOn(server, options)`: a WebSocket endpoint on the application's own
 * HTTP(S) server, whose address and TLS it shares.
 */
export type SharedServerOptions = Pick<
  WebSocketListenerOptions,
  'path' | 'serializers' | 'allowedOrigins' | 'keepAlive'
>;

/**
 * Liveness of a listener's links: a link silent for `interval` ms gets a WebSocket ping /
 * RawSocket PING; silent `timeout` ms more, it is dropped (its session ends, its callers'
 * calls fail, its registrations go). Default `{ interval: 10000, timeout: 10000 }`: a peer
 * whose packets stop is noticed within 20 to 30 s. `false` turns it off.
 */
export type ListenerKeepAlive = { interval: number; timeout: number } | false;

/**
 * A RawSocket listener, on TCP (`host` and `port`) or on a unix socket (`path`), optionally
 * over TLS.
 */
export interface RawSocketListenerOptions {
  type: 'rawsocket';
  /** Interface to bind (TCP). Default `127.0.0.1`. */
  host?: string;
  /** TCP port; 0 picks a free one. Either `port` or `path` is required. */
  port?: number;
  /** Unix socket path. */
  path?: string;
  serializers?: SerializerName[];
  tls?: TlsOptions;
  /** See `ListenerKeepAlive`. Default on. */
  keepAlive?: ListenerKeepAlive;
}

/** Where the router accepts connections. */
export type ListenerOptions = WebSocketListenerOptions | RawSocketListenerOptions;

/** What one permission allows on its URIs. Absent actions are denied. */
export interface PermissionActions {
  call?: boolean;
  register?: boolean;
  subscribe?: boolean;
  publish?: boolean;
}

/**
 * One rule of a role: the actions allowed on URIs that match `uri` under `match`. When
 * several rules match a URI, the most specific wins, by the dealer's rule: exact beats
 * prefix, longer prefixes beat shorter ones, then wildcards.
 *
 * @example { uri: 'shop.', match: 'prefix', allow: { call: true, subscribe: true } }
 * @example { uri: '', match: 'prefix', allow: { call: true } }   // every URI
 */
export interface PermissionOptions {
  uri: string;
  /** Default `exact`. */
  match?: MatchPolicy;
  allow: PermissionActions;
}

/** A role of a realm and its permissions. */
export interface RoleOptions {
  name: string;
  permissions: PermissionOptions[];
}

/** A realm the router serves. */
export interface RealmOptions {
  name: string;
  /**
   * The roles sessions may hold in this realm. When absent, every session gets the default
   * rules (`DEFAULT_PERMISSIONS`: application URIs yes, session details and kills no; role
   * `admin` everything), or everything with the router's `permissive`. When present, a
   * session whose authrole is not listed is refused with `wamp.error.no_such_role`.
   */
  roles?: RoleOptions[];
  /** Authentication for this realm, replacing the router-wide `auth`. */
  auth?: AuthOptions;
  /**
   * A dynamic authorizer (a function, or `{ module, export }`), asked about every call,
   * registration, subscription and publication of the realm's sessions (see
   * `AuthorizeFunction`); the roles' static rules must allow too.
   */
  authorizer?: HookOptions<AuthorizeFunction>;
}

/**
 * Resource limits. The outbound policy protects the router from slow consumers: a session
 * whose transport holds more than `outboundHighWaterMark` unsent bytes gets no EVENTs until
 * it drains (they are dropped, and counted); above `outboundHardLimit` the session is
 * closed. A subscriber that keeps reading loses nothing: past half the mark it holds back its
 * publishers for up to `slowConsumerTimeout`. RPC results and errors are never dropped, they only count towards the hard limit.
 */
export interface LimitsOptions {
  /**
   * Largest message in either direction, bytes (at least 512). Default 16 MiB. RawSocket
   * listeners round it down to a power of two, at most 16 MiB (spec: 2^(9+L)).
   */
  maxMessageSize?: number;
  /** Most sessions (including those still authenticating) at once. Default 10000. */
  maxSessions?: number;
  /**
   * Unsent bytes above which EVENTs to a slow session are dropped. Default 4 MiB. A session
   * past half of it holds back the publishers feeding it (the router stops reading from them)
   * until it drains to a quarter; one that does not within `slowConsumerTimeout` is slow.
   */
  outboundHighWaterMark?: number;
  /**
   * How long a subscriber past half its high-water mark may hold back the publishers feeding
   * it. One that has not drained to a quarter of the mark by then is slow: publishers go on,
   * and its EVENTs are dropped while it holds more than the mark, until it drains.
   * Milliseconds, default 1000.
   */
  slowConsumerTimeout?: number;
  /** Unsent bytes above which a session is closed. Default 64 MiB. */
  outboundHardLimit?: number;
  /** How long `stop()` waits for sessions to answer GOODBYE, ms. Default 1000. */
  shutdownTimeout?: number;
  /**
   * How long a transport may take from opening (or from the end of its previous session) to
   * an established session: HELLO, and the whole authentication exchange. A client still
   * handshaking after this long gets ABORT `wservice.error.handshake_timeout` and is closed.
   * Milliseconds, default 10000.
   */
  handshakeTimeout?: number;
  /**
   * How long a new connection has for its opening handshake (the WebSocket upgrade, TLS, the
   * RawSocket octets): a socket that sends nothing, or its headers a byte a second, is cut.
   * Milliseconds, default 10000.
   */
  openTimeout?: number;
  /**
   * How long an inbound message may take from its first byte to its last. A peer still
   * sending one after this long is dropped (its bytes were held for nothing). Milliseconds,
   * default 30000.
   */
  messageTimeout?: number;
  /**
   * Connections accepted and not yet joined (opening handshake, HELLO, authentication), over
   * all listeners. Past it the OLDEST such connection is closed (WebSocket 1013 once open), so
   * idle sockets cannot lock real clients out. Default 256.
   */
  maxPendingConnections?: number;
  /** Of those, from one remote address. Default 64. */
  maxPendingPerAddress?: number;
  /**
   * The router-wide budget of memory for buffers: what unfinished inbound messages plus
   * unsent outbound bytes, over every session, may add to the process. Buffers are held up
   * to half of it; the other half is for what holding them costs (allocator retention, V8's
   * heap, collection lag). Near that half, links in the middle of an inbound message are no
   * longer read (their bytes wait in their sockets; `messageTimeout` still runs) and new
   * sessions are refused (ABORT `wservice.error.router_overloaded`); past it, the sessions
   * holding the most are dropped first until the router is back within it. Under the hostile
   * bench the process grew 0.64-0.75x the budget. Default 256 MiB.
   */
  maxBufferedBytes?: number;
}

/**
 * What `Router.start` takes. Plain data only (apart from `logger`), so a YAML or JSON file
 * can hold it; `validateRouterOptions` reports mistakes naming the key.
 */
export interface RouterOptions {
  /** Default none: only in-process sessions (`router.attach`). */
  listeners?: ListenerOptions[];
  /** Realms served. Default none, with `autoCreateRealms`. */
  realms?: RealmOptions[];
  /**
   * Create a realm, with the defaults of `RealmOptions`, when a session joins one that is
   * not configured. Default true when `realms` is absent, false otherwise.
   */
  autoCreateRealms?: boolean;
  /**
   * Authentication for every realm without its own `auth`. When absent, sessions join
   * anonymously with authrole `anonymous` (a development default).
   */
  auth?: AuthOptions;
  /**
   * Realms without `roles` allow every session everything, as before these defaults: the
   * meta API (session details, `wamp.session.kill*`), registering anywhere. Development only;
   * `wservice run` and `wservice router` say so at start-up. Default false: realms without
   * roles apply the default rules (docs/router.md, "Who may do what by default"). URIs
   * reserved for running services stay reserved either way.
   */
  permissive?: boolean;
  limits?: LimitsOptions;
}

/** `RouterOptions` plus the logger (pino). Default `defaultLogger()`. */
export interface RouterStartOptions extends RouterOptions {
  logger?: Logger;
  /** Prometheus metrics: the router's messages, bytes, refusals and gauges go into it. */
  metrics?: WServiceMetrics;
}

/** Limits with every default filled in. */
export type ResolvedLimits = Required<LimitsOptions>;

export const DEFAULT_LIMITS: Readonly<ResolvedLimits> = Object.freeze({
  maxMessageSize: 16 * 1024 * 1024,
  maxSessions: 10_000,
  outboundHighWaterMark: 4 * 1024 * 1024,
  slowConsumerTimeout: 1000,
  outboundHardLimit: 64 * 1024 * 1024,
  shutdownTimeout: 1000,
  handshakeTimeout: 10_000,
  openTimeout: 10_000,
  messageTimeout: 30_000,
  maxPendingConnections: 256,
  maxPendingPerAddress: 64,
  maxBufferedBytes: 256 * 1024 * 1024,
});

/** The longest delay Node's timers keep (2^31 - 1 ms); longer ones would fire at once. */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

const SERIALIZER_NAMES: readonly SerializerName[] = ['json', 'msgpack', 'cbor'];
const MATCH_POLICIES: readonly MatchPolicy[] = ['exact', 'prefix', 'wildcard'];

/**
 * Checks untrusted options (from a file, say) and returns them typed. Throws
 * `RouterOptionsError` whose `key` names the first wrong entry (`realms[0].roles[1].name`).
 */
export function validateRouterOptions(value: unknown): RouterOptions {
  const c = new Check(value);
  c.object(['listeners', 'realms', 'autoCreateRealms', 'auth', 'permissive', 'limits']);
  c.optionalList('listeners', validateListener);
  c.optionalList('realms', validateRealm);
  c.optionalBoolean('autoCreateRealms');
  c.optionalBoolean('permissive');
  c.optional('auth', validateAuth);
  c.optional('limits', validateLimits);
  const options = value as RouterOptions;
  const names = new Set<string>();
  (options.realms ?? []).forEach((realm, i) => {
    if (names.has(realm.name))
      throw new RouterOptionsError(['realms', i, 'name'], `realm "${realm.name}" is listed twice`);
    names.add(realm.name);
  });
  return options;
}

function validateListener(c: Check): void {
  const type = c.enumValue('type', ['websocket', 'rawsocket'] as const, true);
  if (typeof c.value === 'object' && c.value !== null && 'server' in c.value) {
    // Options are plain data (a YAML file can hold them); a server object is not.
    throw c.error(
      'server',
      'is not an option: attach to an existing HTTP(S) server with router.listenOn(server, { path })',
    );
  }
  c.object([
    'type',
    'host',
    'port',
    'path',
    'serializers',
    'tls',
    'allowedOrigins',
    'keepAlive',
    'bridge',
    'dashboard',
  ]);
  validateBridge(c, type);
  validateDashboard(c, type);
  validateKeepAlive(c);
  c.optionalString('host');
  c.optionalInteger('port', 0, 65535);
  c.optionalString('path');
  c.optionalList('serializers', (item) => item.enumValue(undefined, SERIALIZER_NAMES, true));
  c.optional('tls', (tls) => {
    tls.object(['cert', 'key', 'ca', 'requestCert', 'rejectUnauthorized']);
    tls.string('cert');
    tls.string('key');
    tls.optionalString('ca');
    tls.optionalBoolean('requestCert');
    tls.optionalBoolean('rejectUnauthorized');
  });
  c.optionalList('allowedOrigins', (origin) => {
    if (typeof origin.value !== 'string' || origin.value === '') {
      throw origin.error(undefined, 'must be an origin such as "https://app.example.com" (or "*")');
    }
  });
  const listener = c.value as ListenerOptions;
  if (type === 'rawsocket' && (listener as WebSocketListenerOptions).allowedOrigins !== undefined) {
    throw c.error('allowedOrigins', 'applies to WebSocket listeners only (RawSocket clients send no Origin)');
  }
  if (type === 'websocket' && listener.path !== undefined && !listener.path.startsWith('/')) {
    throw c.error('path', 'must start with "/"');
  }
  if (type === 'rawsocket') {
    if (listener.path !== undefined && (listener.port !== undefined || listener.host !== undefined)) {
      throw c.error('path', 'is a unix socket path: give either path, or host and port');
    }
    if (listener.path === undefined && listener.port === undefined) {
      throw c.error('port', 'is required for a TCP RawSocket listener (or give path for a unix socket)');
    }
  }
}

function validateBridge(c: Check, type: string | undefined): void {
  const value = (c.value as { bridge?: unknown }).bridge;
  if (value === undefined || value === true) return;
  if (type !== 'websocket') throw c.error('bridge', 'applies to WebSocket listeners only (it serves HTTP)');
  c.required('bridge', (b) => {
    b.object(['realm', 'maxBodyBytes', 'timeout']);
    if ((b.value as { realm?: unknown }).realm !== undefined) b.uri('realm');
    b.optionalInteger('maxBodyBytes', 1);
    b.optionalInteger('timeout', 1, MAX_TIMER_DELAY);
  });
}

function validateDashboard(c: Check, type: string | undefined): void {
  const value = (c.value as { dashboard?: unknown }).dashboard;
  if (value === undefined) return;
  if (type !== 'websocket')
    throw c.error('dashboard', 'applies to WebSocket listeners only (it is served over HTTP)');
  if (value === true) return;
  c.required('dashboard', (d) => {
    d.object(['realm', 'path']);
    if ((d.value as { realm?: unknown }).realm !== undefined) d.uri('realm');
    const { path } = d.value as { path?: unknown };
    if (path !== undefined && (typeof path !== 'string' || !/^(\/(?!\.+(\/|$))[\w.-]+)+$/.test(path)))
      throw d.error('path', 'must be a URL path like /dashboard');
  });
}

function validateKeepAlive(c: Check): void {
  const value = (c.value as { keepAlive?: unknown }).keepAlive;
  if (value === undefined || value === false) return;
  c.required('keepAlive', (k) => {
    k.object(['interval', 'timeout']);
    k.optionalInteger('interval', 1, MAX_TIMER_DELAY);
    k.optionalInteger('timeout', 1, MAX_TIMER_DELAY);
    const { interval, timeout } = k.value as { interval?: number; timeout?: number };
    if (interval === undefined || timeout === undefined)
      throw k.error(undefined, 'needs interval and timeout (ms), or false');
  });
}

function validateRealm(c: Check): void {
  c.object(['name', 'roles', 'auth', 'authorizer']);
  c.optional('authorizer', validateHook);
  c.uri('name');
  c.optionalList('roles', (role) => {
    role.object(['name', 'permissions']);
    role.string('name');
    role.list('permissions', validatePermission);
  });
  c.optional('auth', validateAuth);
}

function validatePermission(c: Check): void {
  c.object(['uri', 'match', 'allow']);
  c.string('uri', true);
  c.enumValue('match', MATCH_POLICIES, false);
  c.required('allow', (allow) => {
    allow.object(['call', 'register', 'subscribe', 'publish']);
    for (const action of ['call', 'register', 'subscribe', 'publish']) allow.optionalBoolean(action);
  });
}

function validateLimits(c: Check): void {
  c.object(Object.keys(DEFAULT_LIMITS));
  // RawSocket cannot announce less than 512 bytes (spec: 2^(9+L)).
  c.optionalInteger('maxMessageSize', 512);
  c.optionalInteger('maxSessions', 1);
  c.optionalInteger('outboundHighWaterMark', 0);
  c.optionalInteger('outboundHardLimit', 1);
  c.optionalInteger('slowConsumerTimeout', 0, MAX_TIMER_DELAY);
  c.optionalInteger('shutdownTimeout', 0, MAX_TIMER_DELAY);
  c.optionalInteger('handshakeTimeout', 1, MAX_TIMER_DELAY);
  c.optionalInteger('openTimeout', 1, MAX_TIMER_DELAY);
  c.optionalInteger('messageTimeout', 1, MAX_TIMER_DELAY);
  c.optionalInteger('maxPendingConnections', 1);
  c.optionalInteger('maxPendingPerAddress', 1);
  c.optionalInteger('maxBufferedBytes', 1);
}

/** The limits with defaults applied. */
export function resolveLimits(limits: LimitsOptions = {}): ResolvedLimits {
  return { ...DEFAULT_LIMITS, ...stripUndefined(limits) };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
