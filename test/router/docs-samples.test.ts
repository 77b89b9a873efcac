import { join } from 'node:path';
import { startSample } from '../../docs/snippets/router';
import { readYamlFile } from '../../src/config';
import { MessageType as M, wampcra } from '../../src/protocol';
import { validateRouterOptions, type Router } from '../../src/router';
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
  });
});
