import { join } from 'node:path';
import { readYamlFile } from '../../src/config';
import { startAuthComponent } from '../../docs/snippets/auth-component';
import { MessageType as M } from '../../src/protocol';
import { Router, validateRouterOptions, type RouterOptions } from '../../src/router';
import { ALL_CLIENT_ROLES, ScriptedPeer } from '../router/helpers/peer';

const SNIPPETS = join(__dirname, '../../docs/snippets');

/** The samples of docs/security.md and docs/router.md's dynamic authentication. */
describe('security samples', () => {
  let router: Router | undefined;
  afterEach(async () => {
    await router?.stop();
  });

  it('the production router configuration is valid options', () => {
    const options = validateRouterOptions(readYamlFile(join(SNIPPETS, 'router-production.yaml')).value);
    expect(options.realms?.[0]?.auth?.tls?.principals?.orders).toEqual({
      commonName: 'orders.services.shop',
      role: 'orders',
    });
  });

  it('the dynamic configuration loads auth.ts and its functions decide', async () => {
    const text = JSON.stringify(readYamlFile(join(SNIPPETS, 'router-dynamic-auth.yaml')).value);
    // The sample names the compiled auth.js beside the config; here it is the TypeScript source.
    const options = JSON.parse(
      text.replaceAll('./auth.js', join(SNIPPETS, 'auth-hooks.ts')),
    ) as RouterOptions;
    router = await Router.start({ ...validateRouterOptions(options), limits: { shutdownTimeout: 50 } });
    const login = (ticket: string) => {
      const peer = ScriptedPeer.attach(router!);
      peer.send([M.HELLO, 'realm1', { roles: ALL_CLIENT_ROLES, authmethods: ['ticket'] }]);
      return peer.expect(M.CHALLENGE).then(() => {
        peer.send([M.AUTHENTICATE, ticket, {}]);
        return peer;
      });
    };
    const alice = await login('tok-alice');
    expect((await alice.expect(M.WELCOME))[2]).toMatchObject({
      authid: 'alice',
      authrole: 'user',
      authextra: { plan: 'basic' },
    });
    alice.send([M.CALL, alice.request(), {}, 'shop.admin.reset']);
    expect((await alice.expect(M.ERROR))[4]).toBe('wamp.error.not_authorized');
    alice.send([M.CALL, alice.request(), {}, 'shop.cart.add']);
    expect((await alice.expect(M.ERROR))[4]).toBe('wamp.error.no_such_procedure');
    const stranger = await login('tok-forged');
    const abort = await stranger.expect(M.ABORT);
    expect(abort.slice(1)).toEqual([{ message: 'unknown ticket' }, 'wamp.error.authentication_failed']);
  });

  it('the procedure configuration: a trusted component answers for the router', async () => {
    const options = validateRouterOptions(readYamlFile(join(SNIPPETS, 'router-procedure-auth.yaml')).value);
    router = await Router.start({
      ...options,
      listeners: [{ type: 'websocket', port: 0 }],
      limits: { shutdownTimeout: 50 },
    });
    const admin = await startAuthComponent(router.listeners[0]!.url, 'change-me-admin-secret');
    await admin.register('shop.cart.add', ([item]) => `added ${String(item)}`);
    const login = async (ticket: string) => {
      const peer = ScriptedPeer.attach(router!);
      peer.send([M.HELLO, 'realm1', { roles: ALL_CLIENT_ROLES, authmethods: ['ticket'] }]);
      await peer.expect(M.CHALLENGE);
      peer.send([M.AUTHENTICATE, ticket, {}]);
      return peer;
    };
    const alice = await login('tok-alice');
    expect((await alice.expect(M.WELCOME))[2]).toMatchObject({ authid: 'alice', authrole: 'user' });
    expect(await alice.callForResult('shop.cart.add', ['pen'])).toEqual(['added pen']);
    alice.send([M.CALL, alice.request(), {}, 'admin.reset']);
    expect((await alice.expect(M.ERROR))[4]).toBe('wamp.error.not_authorized');
    const stranger = await login('tok-forged');
    expect((await stranger.expect(M.ABORT)).slice(1)).toEqual([
      { message: 'unknown ticket' },
      'wamp.error.authentication_failed',
    ]);
    await admin.close();
  });
});
