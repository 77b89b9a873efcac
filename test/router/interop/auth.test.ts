import autobahn from 'autobahn';
import { Router } from '../../../src/router';
import { connect, type Client, type Endpoint, type SerializerKind } from '../helpers/autobahn';
import { SHOP_ROLES } from '../helpers/shop-roles';

const SALT = 'salt123';

describe.each<SerializerKind>(['json', 'cbor'])(
  'autobahn-js authentication and authorization (%s)',
  (serializer) => {
    let router: Router;
    let endpoint: Endpoint;
    const clients: Client[] = [];

    beforeAll(async () => {
      router = await Router.start({
        listeners: [{ type: 'websocket', port: 0 }],
        realms: [
          {
            name: 'shop',
            roles: SHOP_ROLES,
            auth: {
              wampcra: {
                users: {
                  customer: { secret: 'customer-secret', role: 'customer' },
                  backend: {
                    secret: 'backend-secret',
                    role: 'backend',
                    salt: SALT,
                    iterations: 100,
                    keylen: 32,
                  },
                },
              },
            },
          },
        ],
      });
      endpoint = { transport: 'websocket', url: router.listeners[0].url, serializer };
    });

    afterEach(async () => {
      await Promise.all(clients.splice(0).map((c) => c.close()));
    });

    afterAll(async () => {
      await router.stop();
    });

    /** autobahn's own WAMP-CRA code: sign with the secret, or the key derived from it when salted. */
    async function craLogin(authid: string, secret: string): Promise<autobahn.Session> {
      const c = await connect(endpoint, {
        realm: 'shop',
        authmethods: ['wampcra'],
        authid,
        onchallenge: (_session, method, extra) => {
          expect(method).toBe('wampcra');
          const key = extra.salt
            ? autobahn.auth_cra.derive_key(
                secret,
                extra.salt as string,
                extra.iterations as number,
                extra.keylen as number,
              )
            : secret;
          return autobahn.auth_cra.sign(key, extra.challenge as string);
        },
      });
      clients.push(c);
      return c.session;
    }

    function failure(promise: PromiseLike<unknown>): Promise<autobahn.Error> {
      return Promise.resolve(promise).then(
        () => {
          throw new Error('expected a refusal');
        },
        (e: autobahn.Error) => e,
      );
    }

    it('authenticates WAMP-CRA users with plain and salted secrets', async () => {
      const customer = await craLogin('customer', 'customer-secret');
      const backend = await craLogin('backend', 'backend-secret');
      expect(customer.id).toBeGreaterThan(0);
      expect(backend.id).toBeGreaterThan(0);
    });

    it('refuses a wrong WAMP-CRA secret', async () => {
      await expect(craLogin('backend', 'guess')).rejects.toMatchObject({
        details: { reason: 'wamp.error.authentication_failed' },
      });
    });

    it('refuses what a role may not do with wamp.error.not_authorized', async () => {
      const backend = await craLogin('backend', 'backend-secret');
      await backend.register('shop.cart.add', () => 'added');
      await backend.register('shop.admin.reset', () => 'reset');
      const customer = await craLogin('customer', 'customer-secret');
      expect(await customer.call('shop.cart.add')).toBe('added');
      expect((await failure(customer.call('shop.admin.reset'))).error).toBe('wamp.error.not_authorized');
      expect((await failure(customer.register('shop.cart.remove', () => 0))).error).toBe(
        'wamp.error.not_authorized',
      );
      expect((await failure(customer.publish('shop.news', [], {}, { acknowledge: true }))).error).toBe(
        'wamp.error.not_authorized',
      );
      expect((await failure(customer.subscribe('other.news', () => undefined))).error).toBe(
        'wamp.error.not_authorized',
      );
    });
  },
);
