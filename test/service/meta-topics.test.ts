import { connect, Rpc, Service, ServiceRunner, Subscribe } from '../../src';
import { Router } from '../../src/router';
import { assertStopsRaising, runServices } from '../../src/testing';
import { createLogger } from '../../src/logger';

const quietLogger = () => createLogger({ level: 'silent' });

/** serverwamp's session events: a service subscribes to the router's meta topics. */

@Service('session_watch')
class SessionWatch {
  readonly joined: { session: number; authid: string }[] = [];
  readonly left: number[] = [];

  // [details] with session, authid, authrole...
  @Subscribe('wamp.session.on_join')
  onJoin(details: { session: number; authid: string }): void {
    this.joined.push({ session: details.session, authid: details.authid });
  }

  // [session id, authid, authrole]
  @Subscribe('wamp.session.on_leave')
  onLeave(session: number, _authid: string, _authrole: string): void {
    this.left.push(session);
  }

  @Rpc()
  seen(): number {
    return this.joined.length;
  }
}

describe('@Subscribe on wamp.session.* meta topics', () => {
  it('hears sessions join and leave on the embedded router', async () => {
    const system = await runServices([SessionWatch]);
    try {
      const watch = system.instancesOf('session_watch')[0].instance as SessionWatch;
      const client = await connect({ url: system.url, authid: 'visitor', reconnect: false });
      const id = client.session!.id;
      await assertStopsRaising(() =>
        expect(watch.joined).toContainEqual({ session: id, authid: expect.any(String) }),
      );
      await client.close();
      await assertStopsRaising(() => expect(watch.left).toContain(id));
    } finally {
      await system.stop();
    }
  });

  describe('on a router with roles', () => {
    let router: Router;
    beforeAll(async () => {
      const everything = { call: true, register: true, subscribe: true, publish: true };
      router = await Router.start({
        listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0 }],
        realms: [
          {
            name: 'realm1',
            roles: [
              {
                name: 'watcher',
                permissions: [
                  { uri: '', match: 'prefix', allow: everything },
                  // what subscribing to session events needs:
                  { uri: 'wamp.session.on_', match: 'prefix', allow: { subscribe: true } },
                ],
              },
              {
                name: 'service',
                permissions: [
                  { uri: '', match: 'prefix', allow: everything },
                  { uri: 'wamp.', match: 'prefix', allow: { call: true } },
                ],
              },
            ],
          },
        ],
        auth: {
          ticket: {
            principals: {
              session_watch: { ticket: 'w', role: 'watcher' },
              plain: { ticket: 'p', role: 'service' },
            },
          },
        },
      });
    });
    afterAll(() => router.stop());

    it('joins with a role that may subscribe to wamp.session.on_*', async () => {
      const runner = await ServiceRunner.start({
        services: [SessionWatch],
        router: router.listeners[0].url,
        auth: { ticket: 'w' },
        logger: quietLogger(),
      });
      try {
        const client = await connect({
          url: router.listeners[0].url,
          authid: 'plain',
          ticket: 'p',
          reconnect: false,
        });
        await assertStopsRaising(async () =>
          expect(await client.call('session_watch.seen')).toBeGreaterThan(0),
        );
        await client.close();
      } finally {
        await runner.stop();
      }
    });

    it('fails to start, naming the topic, when its role may not', async () => {
      const start = ServiceRunner.start({
        services: [SessionWatch],
        router: router.listeners[0].url,
        auth: { authid: 'plain', ticket: 'p' },
        logger: quietLogger(),
      });
      const outcome = await start.then(
        async (runner) => {
          await runner.stop();
          return undefined;
        },
        (err: unknown) => err,
      );
      expect(String(outcome)).toMatch(/wamp\.session\.on_join/);
      expect(outcome).toMatchObject({ uri: 'wamp.error.not_authorized' });
    });
  });
});
