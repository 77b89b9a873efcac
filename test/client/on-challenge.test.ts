import { connect } from '../../src/client/connect';
import { Router } from '../../src/router';
import { FaultProxy } from '../helpers/fault-proxy';
import { until } from '../helpers/until';

// autobahn's `onchallenge` given to connect(): asked from the very first join against a real
// router, and again on every reconnect.
describe('onChallenge given to connect()', () => {
  it('answers the first CHALLENGE and the one of each reconnect', async () => {
    const router = await Router.start({
      listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0 }],
      realms: [{ name: 'realm1' }],
      auth: { ticket: { principals: { alice: { ticket: 'alice-ticket', role: 'user' } } } },
    });
    const proxy = await FaultProxy.start(router.listeners[0].port!);
    const seen: string[] = [];
    const joins: string[] = [];
    try {
      const client = await connect({
        url: `ws://127.0.0.1:${proxy.port}/ws`,
        authid: 'alice',
        authmethods: ['ticket'],
        reconnect: { initialDelay: 20, maxDelay: 50, jitter: 0 },
        onChallenge: ({ method }) => {
          seen.push(method);
          return 'alice-ticket';
        },
        onJoin: (session) => joins.push(`${session.details?.authid} ${session.details?.authrole}`),
      });
      // Before connect() resolved: the first challenge and the first join.
      expect(seen).toEqual(['ticket']);
      expect(joins).toEqual(['alice user']);
      proxy.cut();
      await until(() => joins.length === 2, { what: 'the rejoin' });
      expect(seen).toEqual(['ticket', 'ticket']);
      await client.close();
    } finally {
      await proxy.stop();
      await router.stop();
    }
  });
});
