import { connect, type Client } from '../../../src';
import { MessageType as M, serializerByName, WampError, type Dict } from '../../../src/protocol';
import { createInProcessPair, Router } from '../../../src/router';
import { connectWebSocket } from '../../../src/transport';
import { callFromPython } from '../../helpers/autobahn-python';
import { connect as connectAutobahn, ConnectFailed } from '../helpers/autobahn';
import { capturingLogger } from '../../helpers/capturing-logger';
import { ScriptedPeer } from '../helpers/peer';

/**
 * Dynamic authentication and authorization by WAMP procedures, as Crossbar.io's: the realm
 * names a procedure, a trusted session (role admin here, over WebSocket) registers it, and the
 * router calls it over its own dealer for every ticket login and every request.
 */

const ROLES = { caller: {}, callee: {}, publisher: {}, subscriber: {} };
const AUTHENTICATE = 'com.example.authenticate';
const AUTHORIZE = 'com.example.authorize';

let router: Router;
let url: string;
let logs: Dict[];
let admin: Client;
const asked: unknown[][] = [];

/** Tickets the authenticator knows, and what it does for each. */
function authenticate(args: unknown[]): unknown {
  asked.push(args);
  const details = args[2] as { ticket?: string };
  switch (details.ticket) {
    case 'good':
      return { role: 'user', extra: { plan: 'gold' } }; // Crossbar.io's shape
    case 'role-only':
      return 'user';
    case 'throw':
      throw new WampError('com.example.invalid_ticket', 'no such ticket');
    case 'slow':
      return new Promise(() => undefined);
    default:
      return 42; // garbage
  }
}

/** app.open.* is allowed, the rest depends on the URI's last component. */
function authorize(args: unknown[]): unknown {
  const [session, uri] = args as [{ authrole: string }, string];
  if (session.authrole === 'admin' || uri.startsWith('app.open.')) return true;
  if (uri === 'app.throw') throw new Error('policy store down');
  if (uri === 'app.slow') return new Promise(() => undefined);
  if (uri === 'app.garbage') return 'yes';
  return false;
}

beforeAll(async () => {
  const started = capturingLogger();
  logs = started.lines;
  router = await Router.start({
    listeners: [{ type: 'websocket', port: 0 }],
    limits: { shutdownTimeout: 200 },
    logger: started.logger,
    realms: [
      {
        name: 'realm1',
        auth: {
          ticket: { authenticator: { procedure: AUTHENTICATE, timeout: 300 } },
          wampcra: { users: { admin: { secret: 'admin-secret', role: 'admin' } } },
        },
      },
      {
        name: 'guarded',
        auth: {
          anonymous: { role: 'guest' },
          wampcra: { users: { admin: { secret: 'admin-secret', role: 'admin' } } },
        },
        authorizer: { procedure: AUTHORIZE, timeout: 300 },
      },
    ],
  });
  url = router.listeners[0]!.url;
  admin = await connect({ url, realm: 'realm1', authid: 'admin', secret: 'admin-secret', reconnect: false });
});
afterAll(async () => {
  await admin.close();
  await router.stop();
});
beforeEach(() => {
  asked.length = 0;
  logs.length = 0;
});

async function peer(): Promise<ScriptedPeer> {
  return new ScriptedPeer(await connectWebSocket(url, { serializers: [serializerByName('json')!] }));
}

async function login(ticket: string): Promise<ScriptedPeer> {
  const p = await peer();
  p.send([M.HELLO, 'realm1', { roles: ROLES, authmethods: ['ticket'], authid: 'alice' }]);
  await p.expect(M.CHALLENGE);
  p.send([M.AUTHENTICATE, ticket, {}]);
  return p;
}

async function aborted(p: ScriptedPeer): Promise<[string, string]> {
  const abort = await p.expect(M.ABORT);
  return [abort[2] as string, (abort[1] as { message: string }).message];
}

describe('an authenticator procedure', () => {
  it('refuses logins while nobody has registered it, saying so in one log line', async () => {
    expect(await aborted(await login('good'))).toEqual([
      'wamp.error.authentication_failed',
      'authentication failed',
    ]);
    expect(logs.filter((l) => String(l.msg).includes(`${AUTHENTICATE} is not registered`))).toHaveLength(1);
  });

  describe('registered by an admin session', () => {
    beforeAll(async () => {
      await admin.register(AUTHENTICATE, (args) => authenticate(args));
      await admin.register('app.whoami', (_args, _kwargs, context) => context.callerAuthrole ?? 'hidden', {
        discloseCaller: true,
      });
    });

    it("is called as Crossbar.io's (realm, authid, details) and its answer gives the identity", async () => {
      const p = await login('good');
      const [, session, welcome] = await p.expect(M.WELCOME);
      expect(welcome).toMatchObject({
        authid: 'alice',
        authrole: 'user',
        authmethod: 'ticket',
        authprovider: 'dynamic',
        authextra: { plan: 'gold' },
      });
      expect(asked).toHaveLength(1);
      const [realm, authid, details] = asked[0] as [string, string, Dict];
      expect([realm, authid]).toEqual(['realm1', 'alice']);
      expect(details).toMatchObject({ realm: 'realm1', authmethod: 'ticket', ticket: 'good', session });
      expect((details.transport as Dict).peer).toMatch(/127\.0\.0\.1:\d+$/);
      p.transport.close();
    });

    it('takes a role name alone as the answer', async () => {
      const p = await login('role-only');
      expect((await p.expect(M.WELCOME))[2]).toMatchObject({ authid: 'alice', authrole: 'user' });
      p.transport.close();
    });

    it('refuses with the URI and message of the error it raises', async () => {
      expect(await aborted(await login('throw'))).toEqual(['com.example.invalid_ticket', 'no such ticket']);
      expect(logs.filter((l) => String(l.msg).includes('no such ticket'))).toHaveLength(1);
    });

    it('refuses when it does not answer in time, or answers garbage, one log line each', async () => {
      expect(await aborted(await login('slow'))).toEqual([
        'wamp.error.authentication_failed',
        'the authenticator did not answer within 300 ms',
      ]);
      expect(await aborted(await login('garbage'))).toEqual([
        'wamp.error.authentication_failed',
        'the authenticator gave an invalid answer',
      ]);
      expect(logs.filter((l) => String(l.msg).includes(`procedure ${AUTHENTICATE}`))).toHaveLength(2);
    });

    it('lets autobahn-python join through it', async () => {
      const results = await callFromPython(url, 'realm1', [{ procedure: 'app.whoami' }], 'json', {
        authmethods: ['ticket'],
        authid: 'py',
        ticket: 'good',
      });
      expect(results).toEqual([{ ok: 'user' }]);
      expect(asked.some((a) => a[1] === 'py')).toBe(true);
    });

    it('lets autobahn-js join through it, and refuses it a ticket it does not know', async () => {
      const js = await connectAutobahn(
        { transport: 'websocket', url, serializer: 'msgpack' },
        { authmethods: ['ticket'], authid: 'js', onchallenge: () => 'good' },
      );
      try {
        await expect(js.session.call('app.whoami')).resolves.toBe('user');
      } finally {
        await js.close();
      }
      expect(asked.some((a) => a[1] === 'js')).toBe(true);
      const refused = await connectAutobahn(
        { transport: 'websocket', url, serializer: 'json' },
        { authmethods: ['ticket'], authid: 'js', onchallenge: () => 'throw' },
      ).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ConnectFailed);
      expect((refused as ConnectFailed).details.reason).toBe('com.example.invalid_ticket');
    });

    it.each([
      [AUTHENTICATE, {}],
      [AUTHENTICATE, { invoke: 'roundrobin' }],
      ['com.example.', { match: 'prefix' }],
      ['com..authenticate', { match: 'wildcard' }],
    ])('may be registered by no other session: %s %j is refused', async (uri, options) => {
      const p = await login('good');
      await p.expect(M.WELCOME);
      const request = p.request();
      p.send([M.REGISTER, request, options, uri]);
      const reply = await p.expect(M.ERROR);
      expect(reply.slice(0, 5)).toEqual([M.ERROR, M.REGISTER, request, {}, 'wamp.error.not_authorized']);
      p.transport.close();
    });
  });
});

describe('an authorizer procedure', () => {
  let guardian: Client;
  let guest: ScriptedPeer;

  beforeAll(async () => {
    // Trusted in-process: the router's own process may hold it too.
    guardian = await connect({
      realm: 'guarded',
      authid: 'guardian',
      authmethods: ['trusted'],
      reconnect: false,
      transport: async () => {
        const [client, server] = createInProcessPair();
        router.attach(server, { trusted: true });
        return client;
      },
    });
    await guardian.register(AUTHORIZE, (args) => authorize(args));
    const owner = await connect({
      url,
      realm: 'guarded',
      authid: 'admin',
      secret: 'admin-secret',
      reconnect: false,
    });
    for (const uri of ['app.open.echo', 'app.closed', 'app.throw', 'app.slow', 'app.garbage'])
      await owner.register(uri, (args) => args[0]);
    guest = await peer();
    await guest.hello('guarded', { roles: ROLES });
  });
  afterAll(async () => {
    guest.transport.close();
    await guardian.close();
  });

  it("is called as Crossbar.io's (session, uri, action, options) and allows", async () => {
    expect(await guest.callForResult('app.open.echo', ['hi'])).toEqual(['hi']);
  });

  it.each([
    ['app.closed', 'the authorizer denied call on "app.closed"'],
    ['app.throw', 'the authorizer failed'],
    ['app.slow', 'the authorizer did not answer'],
    ['app.garbage', 'the authorizer gave an invalid answer'],
  ])('denies %s with not_authorized and a message', async (uri, message) => {
    const request = guest.request();
    guest.send([M.CALL, request, {}, uri, ['x']]);
    const reply = await guest.expect(M.ERROR);
    expect(reply.slice(0, 5)).toEqual([M.ERROR, M.CALL, request, {}, 'wamp.error.not_authorized']);
    expect(String((reply[5] as unknown[])[0])).toContain(message);
  });

  it('decides for autobahn-js and autobahn-python sessions as for any other', async () => {
    const js = await connectAutobahn(
      { transport: 'websocket', url, serializer: 'cbor' },
      { realm: 'guarded' },
    );
    try {
      await expect(js.session.call('app.open.echo', ['js'])).resolves.toBe('js');
      await expect(js.session.call('app.closed', ['js'])).rejects.toMatchObject({
        error: 'wamp.error.not_authorized',
      });
    } finally {
      await js.close();
    }
    const results = await callFromPython(
      url,
      'guarded',
      [
        { procedure: 'app.open.echo', args: ['py'] },
        { procedure: 'app.closed', args: ['py'] },
      ],
      'json',
    );
    expect(results[0]).toEqual({ ok: 'py' });
    expect(results[1]).toMatchObject({ error: 'wamp.error.not_authorized' });
  });

  it('may be registered by no other session', async () => {
    const request = guest.request();
    guest.send([M.REGISTER, request, {}, AUTHORIZE]);
    const reply = await guest.expect(M.ERROR);
    expect(reply[4]).toBe('wamp.error.not_authorized');
  });
});
