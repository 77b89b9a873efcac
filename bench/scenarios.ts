import { startRole } from './lib/proc';
import type { Scenario } from './lib/scenario';

/** Baselines that involve none of wservice's code: the physical floor on this machine. */
export const rawScenarios: Scenario[] = [
  {
    kind: 'rpc',
    name: 'raw ws echo (direct, 1 hop)',
    async setup() {
      const server = await startRole('ws-echo-server');
      const caller = await startRole('raw-caller', { url: server.info.url });
      return { caller, processes: [caller, server] };
    },
  },
  {
    kind: 'rpc',
    name: 'raw ws relay (2 hops)',
    async setup() {
      const relay = await startRole('ws-relay');
      const callee = await startRole('ws-echo-client', { url: relay.info.url });
      const caller = await startRole('raw-caller', { url: relay.info.url, path: '/caller' });
      return { caller, router: relay, processes: [caller, callee, relay] };
    },
  },
  {
    kind: 'pubsub',
    name: 'raw ws relay (2 hops)',
    subscribers: 1,
    async setup() {
      const relay = await startRole('ws-relay');
      const subscriber = await startRole('raw-subscriber', { url: relay.info.url });
      const publisher = await startRole('raw-publisher', { url: relay.info.url });
      return { publisher, subscriber, router: relay, processes: [publisher, subscriber, relay] };
    },
  },
];

/** The reference client through a small third-party router. */
export const peerScenarios: Scenario[] = [
  {
    kind: 'rpc',
    name: 'autobahn-js + fox-wamp',
    async setup() {
      const router = await startRole('fox-router');
      const callee = await startRole('ab-callee', { url: router.info.url });
      const caller = await startRole('ab-caller', { url: router.info.url });
      return { caller, router, processes: [caller, callee, router] };
    },
  },
  {
    kind: 'pubsub',
    name: 'autobahn-js + fox-wamp',
    subscribers: 1,
    async setup() {
      const router = await startRole('fox-router');
      const subscriber = await startRole('ab-subscriber', { url: router.info.url });
      const publisher = await startRole('ab-publisher', { url: router.info.url });
      return { publisher, subscriber, router, processes: [publisher, subscriber, router] };
    },
  },
];

/** The baseline every ratio is taken against. */
export const RELAY_NAME = 'raw ws relay (2 hops)';
