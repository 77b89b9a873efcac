import { startRole, type RoleProcess } from './lib/proc';
import type {
  HttpScenario,
  IdleScenario,
  PayloadScenario,
  PubSubScenario,
  RpcScenario,
  Scenario,
} from './lib/scenario';

/** The baseline every ratio is taken against. */
export const RELAY_NAME = 'raw ws relay (2 hops)';

/** Row names the targets refer to. */
export const Rows = {
  relay: RELAY_NAME,
  batchingWs: 'batching ws relay (2 hops, every end batches writes per tick)',
  batchingWsSessions: 'batching ws relay, 100 caller sockets, 1 call in flight each',
  batchingTcp: 'batching TCP relay (2 hops, every end batches writes per tick, msgpack)',
  autobahnFox: 'autobahn-js + fox-wamp',
  moleculerLocal: 'Moleculer local call (broker.call in-process)',
  moleculerTcp: 'Moleculer TCP transporter (1 hop)',
  nestTcp: 'NestJS microservices TCP (1 hop)',
  oursJson: 'wservice client + router, WebSocket json',
  oursPrefixRegistration:
    'wservice client + router, WebSocket json, prefix registration (each call authorized)',
  oursPermissive:
    'wservice client + router, WebSocket json, permissive realm (development mode: no authorization)',
  oursPrefixSubscription:
    'wservice client + router, WebSocket json, prefix subscription (each event authorized)',
  oursRsMsgpack: 'wservice client + router, RawSocket msgpack',
  oursJsonSessions: 'wservice client + router, WebSocket json, 100 caller sessions, 1 call in flight each',
  servicesE2e: 'wservice services end to end (proxy → router → service)',
  servicesE2eNested: 'wservice services end to end, nested-object argument checked (bench.place)',
  servicesObserved: 'wservice services end to end, metrics + tracing on',
  servicesEmbedded: 'wservice services embedded (proxy → router with the service in its process)',
  clientRouterInProcess: 'wservice client + router in-process (no service layer)',
  inProcess: 'wservice in-process (proxy, router, service in one process)',
  oursIdle: 'wservice router, WebSocket json',
  httpPlain: 'plain node:http handler (POST /echo)',
  httpRoute: '@Http route (POST /echo, wservice run)',
  httpBridge: "router's HTTP bridge (POST /call/bench.echo → service over WebSocket)",
} as const;

type ClientKind = 'wamp' | 'ab';
type Serializer = 'json' | 'msgpack';

/** Our router in its own process; `services` runs BenchService in it (the embedded case). */
function ourRouter(args: Record<string, unknown> = {}): Promise<RoleProcess> {
  return startRole('wamp-router', args, { label: 'router' });
}

/**
 * How our callee registers, our subscriber subscribes: `bench.echo` / `bench.topic` exactly,
 * or the prefix `bench.`, which the router authorizes again for every call and event.
 */
type Match = 'exact' | 'prefix';

/** A caller and a callee of `bench.echo`, both `kind` clients, through a router at `url`. */
async function echoPair(
  kind: ClientKind,
  url: string,
  serializer: Serializer = 'json',
  match: Match = 'exact',
  callerArgs: Record<string, unknown> = {},
): Promise<{ caller: RoleProcess; callee: RoleProcess }> {
  const callee = await startRole(`${kind}-callee`, { url, serializer, match }, { label: 'callee' });
  const caller = await startRole(`${kind}-caller`, { url, serializer, ...callerArgs }, { label: 'caller' });
  return { caller, callee };
}

function rpcThroughOurRouter(
  name: string,
  kind: ClientKind,
  transport: 'ws' | 'rs',
  serializer: Serializer,
  match: Match = 'exact',
  callerArgs: Record<string, unknown> = {},
): RpcScenario {
  return {
    kind: 'rpc',
    name,
    group: 'ours',
    link: transport === 'ws' ? 'ws' : 'tcp',
    longLived: callerArgs.sessions === undefined,
    concurrentOnly: callerArgs.sessions !== undefined,
    async setup() {
      const router = await ourRouter();
      const url = String(router.info[transport]);
      const { caller, callee } = await echoPair(kind, url, serializer, match, callerArgs);
      return { caller, router, processes: [caller, callee, router] };
    },
  };
}

/** Publisher and subscriber roles of `kind`, `subscribers` sessions, through a router at `url`. */
async function pubSubPair(
  kind: ClientKind | 'raw',
  url: string,
  subscribers: number,
  serializer: Serializer = 'json',
  match: Match = 'exact',
): Promise<{ publisher: RoleProcess; subscriber: RoleProcess }> {
  const subscriber = await startRole(
    `${kind}-subscriber`,
    { url, serializer, sessions: subscribers, match },
    { label: 'subscriber' },
  );
  const publisher = await startRole(`${kind}-publisher`, { url, serializer }, { label: 'publisher' });
  return { publisher, subscriber };
}

function pubSub(
  name: string,
  kind: ClientKind | 'raw',
  routerRole: 'ws-relay' | 'fox-router' | 'wamp-router',
  subscribers: number,
  transport: 'ws' | 'rs' = 'ws',
  serializer: Serializer = 'json',
  match: Match = 'exact',
  routerArgs: Record<string, unknown> = {},
): PubSubScenario {
  return {
    kind: 'pubsub',
    name,
    subscribers,
    countsEncodes: routerRole === 'wamp-router',
    async setup() {
      const router = await startRole(routerRole, routerArgs, { label: 'router' });
      const url = String(routerRole === 'wamp-router' ? router.info[transport] : router.info.url);
      const { publisher, subscriber } = await pubSubPair(kind, url, subscribers, serializer, match);
      return { publisher, subscriber, router, processes: [publisher, subscriber, router] };
    },
  };
}

function idle(
  name: string,
  serverRole: 'ws-echo-server' | 'fox-router' | 'wamp-router',
  sessions: number,
): IdleScenario {
  return {
    kind: 'idle',
    name,
    sessions,
    async setup() {
      const router = await startRole(
        serverRole,
        { maxSessions: sessions + 100 },
        { label: 'router', raiseFdLimit: true },
      );
      const url = String(serverRole === 'wamp-router' ? router.info.ws : router.info.url);
      const holder = await startRole(
        'idle-holder',
        { url, wamp: serverRole !== 'ws-echo-server' },
        { label: 'holder', raiseFdLimit: true },
      );
      return { holder, router, processes: [holder, router] };
    },
  };
}

/**
 * The 2-hop relay floor over WebSocket; with `batch`, the relay and both ends batch writes per
 * event-loop turn; with `sockets`, the caller spreads its calls over that many links.
 */
function wsRelayFloor(name: string, batch: boolean, sockets = 1): RpcScenario {
  return {
    kind: 'rpc',
    name,
    group: 'floor',
    link: 'ws',
    concurrentOnly: sockets > 1,
    async setup() {
      const relay = await startRole('ws-relay', { batch }, { label: 'router' });
      const url = relay.info.url;
      const callee = await startRole('ws-echo-client', { url, batch }, { label: 'callee' });
      const caller = await startRole(
        'raw-caller',
        { url, path: '/caller', batch, sockets },
        { label: 'caller' },
      );
      return { caller, router: relay, processes: [caller, callee, relay] };
    },
  };
}

/** Our services behind a router process (`routerArgs`), called by a typed proxy over WebSocket. */
function servicesThroughOurRouter(
  name: string,
  routerArgs: Record<string, unknown>,
  hostArgs: Record<string, unknown> | undefined,
  callerArgs: Record<string, unknown> = {},
): RpcScenario {
  return {
    kind: 'rpc',
    name,
    group: 'ours',
    link: 'ws',
    longLived: true,
    async setup() {
      const router = await ourRouter(routerArgs);
      const url = String(router.info.ws);
      const service =
        hostArgs === undefined
          ? []
          : [await startRole('svc-host', { url, ...hostArgs }, { label: 'service' })];
      const caller = await startRole('svc-caller', { url, ...callerArgs }, { label: 'caller' });
      return { caller, router, processes: [caller, ...service, router] };
    },
  };
}

/**
 * One process running everything (`role`): in-process rows, ours or a peer's, each 100-in-flight
 * measure ten times the calls of the routed rows' (a window of 0.2 s or more, not 15-40 ms).
 */
function inOneProcess(name: string, role: string, group: 'peer' | 'ours'): RpcScenario {
  return {
    kind: 'rpc',
    name,
    group,
    link: 'inprocess',
    longLived: true,
    callsScale: 10,
    async setup() {
      const caller = await startRole(role, {}, { label: 'process' });
      return { caller, processes: [caller] };
    },
  };
}

/** Request/response: baselines first, then peers, then ours. */
export const rpcScenarios: RpcScenario[] = [
  {
    kind: 'rpc',
    name: 'raw ws echo (direct, 1 hop)',
    group: 'floor',
    link: 'ws',
    async setup() {
      const server = await startRole('ws-echo-server', {}, { label: 'server' });
      const caller = await startRole('raw-caller', { url: server.info.url }, { label: 'caller' });
      return { caller, processes: [caller, server] };
    },
  },
  wsRelayFloor(RELAY_NAME, false),
  wsRelayFloor(Rows.batchingWs, true),
  // What 100 sockets cost a relay that forwards bytes: the floor of the 100-session row.
  wsRelayFloor(Rows.batchingWsSessions, true, 100),
  {
    kind: 'rpc',
    name: Rows.batchingTcp,
    group: 'floor',
    link: 'tcp',
    async setup() {
      const relay = await startRole('tcp-relay', { batch: true }, { label: 'router' });
      const url = relay.info.url;
      const callee = await startRole('tcp-echo-client', { url, batch: true }, { label: 'callee' });
      const caller = await startRole('tcp-caller', { url, batch: true }, { label: 'caller' });
      return { caller, router: relay, processes: [caller, callee, relay] };
    },
  },
  {
    kind: 'rpc',
    name: Rows.autobahnFox,
    group: 'peer',
    link: 'ws',
    longLived: true,
    async setup() {
      const router = await startRole('fox-router', {}, { label: 'router' });
      const { caller, callee } = await echoPair('ab', String(router.info.url));
      return { caller, router, processes: [caller, callee, router] };
    },
  },
  {
    kind: 'rpc',
    name: Rows.moleculerTcp,
    group: 'peer',
    link: 'tcp',
    async setup() {
      const host = await startRole('moleculer-host', {}, { label: 'service' });
      const caller = await startRole('moleculer-caller', { url: host.info.url }, { label: 'caller' });
      return { caller, processes: [caller, host] };
    },
  },
  {
    kind: 'rpc',
    name: Rows.nestTcp,
    group: 'peer',
    link: 'tcp',
    async setup() {
      const host = await startRole('nest-host', {}, { label: 'service' });
      const caller = await startRole('nest-caller', { port: host.info.port }, { label: 'caller' });
      return { caller, processes: [caller, host] };
    },
  },
  inOneProcess(Rows.moleculerLocal, 'moleculer-local', 'peer'),
  rpcThroughOurRouter('autobahn-js + wservice router', 'ab', 'ws', 'json'),
  rpcThroughOurRouter(Rows.oursJson, 'wamp', 'ws', 'json'),
  // 100 sessions, one call in flight each: what the router spends per call when no session
  // has two messages in one read (batching across sessions), against the row above.
  rpcThroughOurRouter(Rows.oursJsonSessions, 'wamp', 'ws', 'json', 'exact', { sessions: 100 }),
  rpcThroughOurRouter(Rows.oursPrefixRegistration, 'wamp', 'ws', 'json', 'prefix'),
  rpcThroughOurRouter('wservice client + router, WebSocket msgpack', 'wamp', 'ws', 'msgpack'),
  rpcThroughOurRouter('wservice client + router, RawSocket json', 'wamp', 'rs', 'json'),
  rpcThroughOurRouter(Rows.oursRsMsgpack, 'wamp', 'rs', 'msgpack'),
  servicesThroughOurRouter(Rows.servicesE2e, {}, {}),
  servicesThroughOurRouter(Rows.servicesE2eNested, {}, {}, { procedure: 'place' }),
  // The same three processes, with Prometheus metrics in the router and the service and a
  // recording OpenTelemetry SDK (batched, counting exporter) behind the service's spans.
  servicesThroughOurRouter(Rows.servicesObserved, { metrics: true }, { observe: true }),
  servicesThroughOurRouter(Rows.servicesEmbedded, { services: true }, undefined),
  inOneProcess(Rows.clientRouterInProcess, 'wamp-inprocess', 'ours'),
  inOneProcess(Rows.inProcess, 'svc-inprocess', 'ours'),
];

/**
 * The payload-size rows: the two batching floors and our router over the same transport, in
 * the processes of their RPC rows, calling with arguments of 64 KiB to 1 MiB.
 */
export const payloadScenarios: PayloadScenario[] = [
  Rows.batchingWs,
  Rows.oursJson,
  Rows.batchingTcp,
  Rows.oursRsMsgpack,
].map((name) => {
  const rpc = rpcScenarios.find((s) => s.name === name)!;
  if (rpc.link === 'inprocess' || rpc.group === 'peer') throw new Error(`${name}: not a routed row`);
  return { kind: 'payload', name, group: rpc.group, link: rpc.link, setup: rpc.setup };
});

/** The HTTP caller role: `body` POSTed to `url` on a keep-alive agent of 100 connections. */
function httpCaller(url: string, body: unknown): Promise<RoleProcess> {
  return startRole('http-caller', { url, body, sockets: 100 }, { label: 'caller' });
}

/**
 * HTTP request/response, the same work on each row (read a JSON body, check a string
 * argument, answer it as JSON): by hand on `node:http` first, the baseline of the table.
 */
export const httpScenarios: HttpScenario[] = [
  {
    kind: 'http',
    name: Rows.httpPlain,
    async setup() {
      const server = await startRole('http-plain', {}, { label: 'server' });
      const caller = await httpCaller(`${String(server.info.url)}/echo`, { text: 'hello world' });
      return { caller, processes: [caller, server] };
    },
  },
  {
    kind: 'http',
    name: Rows.httpRoute,
    async setup() {
      const service = await startRole('http-host', {}, { label: 'service' });
      const caller = await httpCaller(`${String(service.info.url)}/echo`, { text: 'hello world' });
      return { caller, processes: [caller, service] };
    },
  },
  {
    kind: 'http',
    name: Rows.httpBridge,
    async setup() {
      const router = await ourRouter({ bridge: true });
      const service = await startRole('svc-host', { url: router.info.ws }, { label: 'service' });
      const caller = await httpCaller(`${String(router.info.http)}/call/bench.echo`, {
        args: ['hello world'],
      });
      return { caller, router, processes: [caller, service, router] };
    },
  },
];

/** Publish/subscribe, 1 → 1 and the fan-out to `fanout` subscribers. */
export function pubSubScenarios(fanout: number): PubSubScenario[] {
  return [
    pubSub(RELAY_NAME, 'raw', 'ws-relay', 1),
    pubSub(Rows.autobahnFox, 'ab', 'fox-router', 1),
    pubSub('autobahn-js + wservice router', 'ab', 'wamp-router', 1),
    pubSub(Rows.oursJson, 'wamp', 'wamp-router', 1),
    pubSub(Rows.oursPermissive, 'wamp', 'wamp-router', 1, 'ws', 'json', 'exact', { permissive: true }),
    pubSub(Rows.oursPrefixSubscription, 'wamp', 'wamp-router', 1, 'ws', 'json', 'prefix'),
    pubSub('wservice client + router, WebSocket msgpack', 'wamp', 'wamp-router', 1, 'ws', 'msgpack'),
    pubSub('wservice client + router, RawSocket json', 'wamp', 'wamp-router', 1, 'rs', 'json'),
    pubSub(RELAY_NAME, 'raw', 'ws-relay', fanout),
    pubSub(Rows.autobahnFox, 'ab', 'fox-router', fanout),
    pubSub(Rows.oursJson, 'wamp', 'wamp-router', fanout),
    pubSub(Rows.oursPrefixSubscription, 'wamp', 'wamp-router', fanout, 'ws', 'json', 'prefix'),
  ];
}

/** Idle links held open: the floor (bare `ws`), fox-wamp, ours. */
export function idleScenarios(sessions: number): IdleScenario[] {
  return [
    idle('raw ws server (bare sockets)', 'ws-echo-server', sessions),
    idle('fox-wamp, WebSocket json', 'fox-router', sessions),
    idle(Rows.oursIdle, 'wamp-router', sessions),
  ];
}

export function allScenarios(settings: { fanoutSubscribers: number; idleSessions: number }): Scenario[] {
  return [
    ...rpcScenarios,
    ...payloadScenarios,
    ...httpScenarios,
    ...pubSubScenarios(settings.fanoutSubscribers),
    ...idleScenarios(settings.idleSessions),
  ];
}
