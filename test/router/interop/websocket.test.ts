import autobahn from 'autobahn';
import { Router } from '../../../src/router';
import { collector, connect, type Client, type Endpoint, type SerializerKind } from '../helpers/autobahn';

const AUTH = {
  anonymous: { role: 'anonymous' },
  ticket: {
    principals: {
      alice: { ticket: 'alice-ticket', role: 'staff' },
      bob: { ticket: 'bob-ticket', role: 'staff' },
      carol: { ticket: 'carol-ticket', role: 'guest' },
    },
  },
};

/** The third `then` argument of autobahn's when.js promises receives progressive results. */
type ProgressivePromise<T> = Promise<T> & {
  then(
    onResult: (value: T) => void,
    onError: (error: unknown) => void,
    onProgress: (value: unknown) => void,
  ): unknown;
};

describe.each<SerializerKind>(['json', 'msgpack', 'cbor'])(
  'autobahn-js over WebSocket (%s)',
  (serializer) => {
    let router: Router;
    let endpoint: Endpoint;
    const clients: Client[] = [];

    async function client(options = {}): Promise<autobahn.Session> {
      const c = await connect(endpoint, options);
      clients.push(c);
      return c.session;
    }

    function withTicket(authid: string): Promise<autobahn.Session> {
      return client({ authmethods: ['ticket'], authid, onchallenge: () => `${authid}-ticket` });
    }

    beforeAll(async () => {
      router = await Router.start({ listeners: [{ type: 'websocket', port: 0 }], auth: AUTH });
      endpoint = { transport: 'websocket', url: router.listeners[0].url, serializer };
    });

    afterEach(async () => {
      await Promise.all(clients.splice(0).map((c) => c.close()));
    });

    afterAll(async () => {
      await router.stop();
    });

    it('negotiates the serializer and listens where it reports', () => {
      expect(router.listeners[0].url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
      expect(router.listeners[0].port).toBeGreaterThan(0);
    });

    describe('RPC', () => {
      it('calls with args and kwargs and gets both back', async () => {
        const callee = await client();
        await callee.register(
          'com.example.describe',
          (args, kwargs) => new autobahn.Result([args?.length, 'ok'], { echo: kwargs }),
        );
        const caller = await client();
        const result = (await caller.call('com.example.describe', [1, 'two', { three: 3 }], {
          lang: 'fr',
          n: [1.5],
        })) as autobahn.Result;
        expect(result.args).toEqual([3, 'ok']);
        expect(result.kwargs).toEqual({ echo: { lang: 'fr', n: [1.5] } });
      });

      it('returns errors with custom URIs, args and kwargs', async () => {
        const callee = await client();
        await callee.register('com.example.buy', () => {
          throw new autobahn.Error('com.example.error.out_of_stock', ['sku-1'], { available: 0 });
        });
        const caller = await client();
        const error = (await caller.call('com.example.buy').then(
          () => undefined,
          (e: unknown) => e,
        )) as autobahn.Error;
        expect(error.error).toBe('com.example.error.out_of_stock');
        expect(error.args).toEqual(['sku-1']);
        expect(error.kwargs).toEqual({ available: 0 });
        const missing = (await caller.call('com.example.missing').then(
          () => undefined,
          (e: unknown) => e,
        )) as autobahn.Error;
        expect(missing.error).toBe('wamp.error.no_such_procedure');
      });

      it('streams progressive results to a caller that asks for them', async () => {
        const callee = await client();
        await callee.register('com.example.countdown', (args, _kwargs, details) => {
          for (let i = args![0] as number; i > 0; i--) details!.progress!([i], {});
          return 'liftoff';
        });
        const caller = await client();
        const progress: unknown[] = [];
        const call = caller.call(
          'com.example.countdown',
          [3],
          {},
          { receive_progress: true },
        ) as unknown as ProgressivePromise<unknown>;
        const final = await new Promise((resolve, reject) =>
          call.then(resolve, reject, (p) => progress.push(p)),
        );
        expect(progress).toEqual([3, 2, 1]);
        expect(final).toBe('liftoff');
      });

      it('discloses the caller to a callee that asks', async () => {
        const callee = await client();
        const whoami = (_a: unknown, _k: unknown, details?: autobahn.IInvocation) => {
          const { caller, caller_authid } = details as { caller?: number; caller_authid?: string };
          return [caller, caller_authid];
        };
        await callee.register('com.example.whoami', whoami, {
          disclose_caller: true,
        } as autobahn.IRegisterOptions);
        const caller = await withTicket('alice');
        const result = (await caller.call('com.example.whoami')) as unknown[];
        expect(result).toEqual([caller.id, 'alice']);
      });

      it('routes to prefix and wildcard registrations, telling the callee the procedure', async () => {
        const callee = await client();
        await callee.register('com.example.shop.', (_a, _k, d) => `prefix ${d!.procedure}`, {
          match: 'prefix',
        } as autobahn.IRegisterOptions);
        await callee.register('com..item.get', (_a, _k, d) => `wildcard ${d!.procedure}`, {
          match: 'wildcard',
        } as autobahn.IRegisterOptions);
        const caller = await client();
        expect(await caller.call('com.example.shop.cart.add')).toBe('prefix com.example.shop.cart.add');
        expect(await caller.call('com.other.item.get')).toBe('wildcard com.other.item.get');
      });
    });

    describe('pub/sub', () => {
      /** Subscribes `session` and resolves with the first `count` events' [args, details]. */
      async function listen(
        session: autobahn.Session,
        topic: string,
        count: number,
        options?: autobahn.ISubscribeOptions,
      ) {
        const events = collector<[unknown[] | undefined, autobahn.IEvent]>(count);
        await session.subscribe(topic, (args, _kwargs, details) => events.record([args, details!]), options);
        return events.done;
      }

      it('acknowledges publications and delivers args and kwargs', async () => {
        const subscriber = await client();
        const got = collector<[unknown, unknown]>(1);
        await subscriber.subscribe('com.example.news', (args, kwargs) => got.record([args, kwargs]));
        const publisher = await client();
        const publication = (await publisher.publish(
          'com.example.news',
          ['hello'],
          { lang: 'en' },
          { acknowledge: true },
        )) as autobahn.IPublication;
        expect(publication.id).toBeGreaterThan(0);
        expect(await got.done).toEqual([[['hello'], { lang: 'en' }]]);
      });

      it('excludes the publisher unless exclude_me is false', async () => {
        const session = await client();
        const events = listen(session, 'com.example.echo', 1);
        await session.publish('com.example.echo', ['excluded'], {}, { acknowledge: true });
        await session.publish('com.example.echo', ['included'], {}, { acknowledge: true, exclude_me: false });
        expect((await events)[0][0]).toEqual(['included']);
      });

      it('honours eligible and exclude by session, authid and authrole', async () => {
        const [alice, bob, carol] = [
          await withTicket('alice'),
          await withTicket('bob'),
          await withTicket('carol'),
        ];
        const received: Record<string, unknown[]> = { alice: [], bob: [], carol: [] };
        const marker = collector<string>(3);
        for (const [name, s] of [
          ['alice', alice],
          ['bob', bob],
          ['carol', carol],
        ] as const) {
          await s.subscribe('com.example.t', (args) => {
            if (args![0] === 'end') marker.record(name);
            else received[name].push(args![0]);
          });
        }
        const publisher = await client();
        const publish = (tag: string, options: autobahn.IPublishOptions) =>
          publisher.publish('com.example.t', [tag], {}, { acknowledge: true, ...options });
        await publish('eligible-session', { eligible: [alice.id, carol.id] });
        await publish('exclude-session', { exclude: [alice.id] });
        await publish('eligible-authid', { eligible_authid: ['bob'] } as autobahn.IPublishOptions);
        await publish('exclude-authid', { exclude_authid: ['bob', 'carol'] } as autobahn.IPublishOptions);
        await publish('eligible-authrole', { eligible_authrole: ['guest'] } as autobahn.IPublishOptions);
        await publish('exclude-authrole', { exclude_authrole: ['guest'] } as autobahn.IPublishOptions);
        // Events to one session keep their order: once the marker is in, everything before it is.
        await publish('end', {});
        await marker.done;
        expect(received).toEqual({
          alice: ['eligible-session', 'exclude-authid', 'exclude-authrole'],
          bob: ['exclude-session', 'eligible-authid', 'exclude-authrole'],
          carol: ['eligible-session', 'exclude-session', 'eligible-authrole'],
        });
      });

      it('discloses the publisher when it asks', async () => {
        const subscriber = await client();
        const events = listen(subscriber, 'com.example.t', 1);
        const publisher = await withTicket('alice');
        await publisher.publish('com.example.t', [], {}, { acknowledge: true, disclose_me: true });
        const [[, details]] = await events;
        expect(details).toMatchObject({
          publisher: publisher.id,
          publisher_authid: 'alice',
          publisher_authrole: 'staff',
        });
      });

      it('delivers to prefix and wildcard subscriptions with the concrete topic', async () => {
        const subscriber = await client();
        const prefix = listen(subscriber, 'com.example.', 1, { match: 'prefix' });
        const wildcard = listen(subscriber, 'com..created', 1, { match: 'wildcard' });
        const publisher = await client();
        await publisher.publish('com.example.created', ['x'], {}, { acknowledge: true });
        expect((await prefix)[0][1].topic).toBe('com.example.created');
        expect((await wildcard)[0][1].topic).toBe('com.example.created');
      });
    });

    describe('authentication and authorization', () => {
      it('authenticates with a ticket, and refuses a wrong one', async () => {
        const alice = await withTicket('alice');
        expect(alice.id).toBeGreaterThan(0);
        await expect(
          connect(endpoint, { authmethods: ['ticket'], authid: 'alice', onchallenge: () => 'wrong' }),
        ).rejects.toMatchObject({ details: { reason: 'wamp.error.authentication_failed' } });
      });
    });
  },
);
