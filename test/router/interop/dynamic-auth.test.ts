import { Router } from '../../../src/router';
import type { AuthenticateFunction } from '../../../src/router/auth/dynamic';
import type { AuthorizeFunction } from '../../../src/router/auth/authorize';
import { callFromPython } from '../../helpers/autobahn-python';
import { connect, ConnectFailed, type Client } from '../helpers/autobahn';

/** Tickets and the roles they give, as a token service would hold them. */
const TICKETS: Record<string, string> = { 'svc-ticket': 'service', 'py-ticket': 'user', 'js-ticket': 'user' };

const authenticate: AuthenticateFunction = async ({ ticket }) => {
  await Promise.resolve();
  const authrole = ticket === undefined ? undefined : TICKETS[ticket];
  if (authrole === undefined) throw new Error('unknown ticket');
  return { authrole };
};

/** Services register under app.; users call app. except app.admin. */
const authorize: AuthorizeFunction = ({ authrole }, action, uri) => {
  if (action === 'register') return authrole === 'service' && uri.startsWith('app.');
  if (action === 'call') return uri.startsWith('app.') && !uri.startsWith('app.admin.');
  return false;
};

describe('autobahn-js and autobahn-python through a dynamic authenticator and authorizer', () => {
  let router: Router;
  let url: string;
  let service: Client;

  beforeAll(async () => {
    router = await Router.start({
      listeners: [{ type: 'websocket', port: 0 }],
      realms: [{ name: 'realm1', auth: { ticket: { authenticator: authenticate } }, authorizer: authorize }],
    });
    url = router.listeners[0]!.url;
    service = await connect(
      { transport: 'websocket', url, serializer: 'json' },
      { authmethods: ['ticket'], authid: 'svc', onchallenge: () => 'svc-ticket' },
    );
    await service.session.register('app.echo', (args) => args![0]);
    await service.session.register('app.admin.reset', () => 'reset');
  });

  afterAll(async () => {
    await service.close();
    await router.stop();
  });

  it('autobahn-js joins with a ticket the authenticator accepts, and is authorized per call', async () => {
    const user = await connect(
      { transport: 'websocket', url, serializer: 'cbor' },
      { authmethods: ['ticket'], authid: 'js', onchallenge: () => 'js-ticket' },
    );
    try {
      await expect(user.session.call('app.echo', ['hi'])).resolves.toBe('hi');
      await expect(user.session.call('app.admin.reset')).rejects.toMatchObject({
        error: 'wamp.error.not_authorized',
      });
      await expect(user.session.register('app.fake', () => 0)).rejects.toMatchObject({
        error: 'wamp.error.not_authorized',
      });
    } finally {
      await user.close();
    }
    const refused = await connect(
      { transport: 'websocket', url, serializer: 'json' },
      { authmethods: ['ticket'], authid: 'js', onchallenge: () => 'forged' },
    ).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConnectFailed);
    expect((refused as ConnectFailed).details.reason).toBe('wamp.error.authentication_failed');
  });

  it('autobahn-python joins with a ticket the authenticator accepts, and is authorized per call', async () => {
    const results = await callFromPython(
      url,
      'realm1',
      [{ procedure: 'app.echo', args: ['from python'] }, { procedure: 'app.admin.reset' }],
      'json',
      { authmethods: ['ticket'], authid: 'py', ticket: 'py-ticket' },
    );
    expect(results[0]).toEqual({ ok: 'from python' });
    expect(results[1]).toMatchObject({ error: 'wamp.error.not_authorized' });
  });
});
