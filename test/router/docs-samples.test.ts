import { join } from 'node:path';
import { startSample } from '../../docs/snippets/router';
import { readYamlFile } from '../../src/config';
import { MessageType as M, wampcra } from '../../src/protocol';
import { DEFAULT_PERMISSIONS, validateRouterOptions, type Router } from '../../src/router';
import { ALL_CLIENT_ROLES, ScriptedPeer } from './helpers/peer';
import { startRouter } from './helpers/router';

/**
 * The samples of docs/router.md come from files (scripts/docs-snippets.js keeps them equal):
 * the TypeScript one is compiled through this import, the YAML one is checked here.
 */
describe('docs/router.md samples', () => {
  let router: Router | undefined;

  afterEach(async () => {
    await router?.stop();
  });

  it('compiles the opening sample (it binds fixed ports, 8080 and 8081, so it is not run)', () => {
    expect(startSample).toBeInstanceOf(Function);
  });

  it('the authentication sample is valid options, and its salted key logs dave in', async () => {
    const yaml = readYamlFile(join(__dirname, '../../docs/snippets/router-auth.yaml'));
    const options = validateRouterOptions(yaml.value);
    router = await startRouter(options);
    const peer = ScriptedPeer.attach(router);
    peer.send([M.HELLO, 'realm1', { roles: ALL_CLIENT_ROLES, authmethods: ['wampcra'], authid: 'dave' }]);
    const challenge = await peer.expect(M.CHALLENGE);
    // dave's client knows the password; the file holds only the key derived from it.
    peer.send([M.AUTHENTICATE, wampcra.computeSignature('pw', challenge[2] as Record<string, unknown>), {}]);
    expect((await peer.expect(M.WELCOME))[2]).toMatchObject({ authid: 'dave', authrole: 'user' });
    // erin's entry is written as Crossbar.io's: her client knows the same password.
    const erin = ScriptedPeer.attach(router);
    erin.send([M.HELLO, 'realm1', { roles: ALL_CLIENT_ROLES, authmethods: ['wampcra'], authid: 'erin' }]);
    const erinChallenge = await erin.expect(M.CHALLENGE);
    erin.send([
      M.AUTHENTICATE,
      wampcra.computeSignature('pw', erinChallenge[2] as Record<string, unknown>),
      {},
    ]);
    expect((await erin.expect(M.WELCOME))[2]).toMatchObject({ authid: 'erin', authrole: 'user' });
  });

  it('the table of default rules is DEFAULT_PERMISSIONS', () => {
    const yaml = readYamlFile(join(__dirname, '../../docs/snippets/router-default-permissions.yaml'));
    expect(yaml.value).toEqual(DEFAULT_PERMISSIONS);
  });

  it("the service roles sample: only the orders service's session may register orders.*", async () => {
    const yaml = readYamlFile(join(__dirname, '../../docs/snippets/router-service-roles.yaml'));
    router = await startRouter(validateRouterOptions(yaml.value));
    const service = ScriptedPeer.attach(router);
    service.send([
      M.HELLO,
      'realm1',
      { roles: ALL_CLIENT_ROLES, authmethods: ['wampcra'], authid: 'orders' },
    ]);
    const challenge = await service.expect(M.CHALLENGE);
    const signature = wampcra.computeSignature(
      'change-me-orders-secret',
      challenge[2] as Record<string, unknown>,
    );
    service.send([M.AUTHENTICATE, signature, {}]);
    expect((await service.expect(M.WELCOME))[2]).toMatchObject({ authid: 'orders', authrole: 'orders' });
    await service.register('orders.place', { invoke: 'roundrobin' });
    const anonymous = await ScriptedPeer.join(router);
    for (const [uri, options] of [
      ['orders.place', { invoke: 'roundrobin' }],
      ['o', { match: 'prefix' }],
      ['.place', { match: 'wildcard' }],
    ] as const) {
      anonymous.send([M.REGISTER, anonymous.request(), options, uri]);
      expect((await anonymous.expect(M.ERROR))[4]).toBe('wamp.error.not_authorized');
    }
    anonymous.call('orders.place', ['x']);
    expect((await service.expect(M.INVOCATION))[4]).toEqual(['x']);
  });
});
