import { startRole, type RoleProcess } from './lib/proc';
import type { HttpScenario, IdleScenario, PubSubScenario, RpcScenario, Scenario } from './lib/scenario';

/** The baseline every ratio is taken against. */
export const RELAY_NAME = 'raw ws relay (2 hops)';

/** Row names the targets refer to. */
export const Rows = {
  relay: RELAY_NAME,
  autobahnFox: 'autobahn-js + fox-wamp',
  oursJson: 'wservice client + router, WebSocket json',
  oursPrefixRegistration:
    'wservice client + router, WebSocket json, prefix registration (each call authorized)',
  oursPrefixSubscription:
    'wservice client + router, WebSocket json, prefix subscription (each event authorized)',
  servicesE2e: 'wservice services end to end (proxy → router → service)',
  servicesE2eNested: 'wservice services end to end, nested-object argument checked (bench.place)',
  servicesObserved: 'wservice services end to end, metrics + tracing on',
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
): Promise<{ caller: RoleProcess; callee: RoleProcess }> {
  const callee = await startRole(`${kind}-callee`, { url, serializer, match }, { label: 'callee' });
  const caller = await startRole(`${kind}-caller`, { url, serializer }, { label: 'caller' });
  return { caller, callee };
}

function rpcThroughOurRouter(
  name: string,
  kind: ClientKind,
  transport: 'ws' | 'rs',
  serializer: Serializer,
  match: Match = 'exact',
): RpcScenario {
  return {
    kind: 'rpc',
    name,
    async setup() {
      const router = await ourRouter();
      const { caller, callee } = await echoPair(kind, String(router.info[transport]), serializer, match);
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
): PubSubScenario {
  return {
    kind: 'pubsub',
    name,
    subscribers,
    countsEncodes: routerRole === 'wamp-router',
    async setup() {
      const router = await startRole(routerRole, {}, { label: 'router' });
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

/** Request/response: baselines first, then peers, then ours. */
export const rpcScenarios: RpcScenario[] = [
  {
    kind: 'rpc',
    name: 'raw ws echo (direct, 1 hop)',
    async setup() {
      const server = await startRole('ws-echo-server', {}, { label: 'server' });
      const caller = await startRole('raw-caller', { url: server.info.url }, { label: 'caller' });
      return { caller, processes: [caller, server] };
    },
  },
  {
    kind: 'rpc',
    name: RELAY_NAME,
    async setup() {
      const relay = await startRole('ws-relay', {}, { label: 'router' });
      const url = relay.info.url;
      const callee = await startRole('ws-echo-client', { url }, { label: 'callee' });
      const caller = await startRole('raw-caller', { url, path: '/caller' }, { label: 'caller' });
      return { caller, router: relay, processes: [caller, callee, relay] };
    },
  },
  {
    kind: 'rpc',
    name: Rows.autobahnFox,
    async setup() {
      const router = await startRole('fox-router', {}, { label: 'router' });
      const { caller, callee } = await echoPair('ab', String(router.info.url));
      return { caller, router, processes: [caller, callee, router] };
    },
  },
  rpcThroughOurRouter('autobahn-js + wservice router', 'ab', 'ws', 'json'),
  rpcThroughOurRouter(Rows.oursJson, 'wamp', 'ws', 'json'),
  rpcThroughOurRouter(Rows.oursPrefixRegistration, 'wamp', 'ws', 'json', 'prefix'),
  rpcThroughOurRouter('wservice client + router, WebSocket msgpack', 'wamp', 'ws', 'msgpack'),
  rpcThroughOurRouter('wservice client + router, RawSocket json', 'wamp', 'rs', 'json'),
  rpcThroughOurRouter('wservice client + router, RawSocket msgpack', 'wamp', 'rs', 'msgpack'),
  {
    kind: 'rpc',
    name: Rows.servicesE2e,
    async setup() {
      const router = await ourRouter();
      const url = String(router.info.ws);
      const service = await startRole('svc-host', { url }, { label: 'service' });
      const caller = await startRole('svc-caller', { url }, { label: 'caller' });
      return { caller, router, processes: [caller, service, router] };
    },
  },
  {
    kind: 'rpc',
    name: Rows.servicesE2eNested,
    async setup() {
      const router = await ourRouter();
      const url = String(router.info.ws);
      const service = await startRole('svc-host', { url }, { label: 'service' });
      const caller = await startRole('svc-caller', { url, procedure: 'place' }, { label: 'caller' });
      return { caller, router, processes: [caller, service, router] };
    },
  },
  {
    kind: 'rpc',
    name: Rows.servicesObserved,
    async setup() {
      // The same three processes, with Prometheus metrics in the router and the service and a
      // recording OpenTelemetry SDK (batched, counting exporter) behind the service's spans.
      const router = await ourRouter({ metrics: true });
      const url = String(router.info.ws);
      const service = await startRole('svc-host', { url, observe: true }, { label: 'service' });
      const caller = await startRole('svc-caller', { url }, { label: 'caller' });
      return { caller, router, processes: [caller, service, router] };
    },
  },
  {
    kind: 'rpc',
    name: 'wservice services embedded (proxy → router with the service in its process)',
    async setup() {
      const router = await ourRouter({ services: true });
      const caller = await startRole('svc-caller', { url: router.info.ws }, { label: 'caller' });
      return { caller, router, processes: [caller, router] };
    },
  },
  {
    kind: 'rpc',
    name: 'wservice client + router in-process (no service layer)',
    async setup() {
      const caller = await startRole('wamp-inprocess', {}, { label: 'process' });
      return { caller, processes: [caller] };
    },
  },
  {
    kind: 'rpc',
    name: Rows.inProcess,
    async setup() {
      const caller = await startRole('svc-inprocess', {}, { label: 'process' });
      return { caller, processes: [caller] };
    },
  },
];

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
    ...httpScenarios,
    ...pubSubScenarios(settings.fanoutSubscribers),
    ...idleScenarios(settings.idleSessions),
  ];
}
