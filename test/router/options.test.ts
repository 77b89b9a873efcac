import { Router, RouterOptionsError, validateRouterOptions } from '../../src/router';

describe('router options', () => {
  it('accepts a full, plain-data configuration', () => {
    const options = {
      listeners: [
        {
          type: 'websocket',
          host: '127.0.0.1',
          port: 0,
          path: '/ws',
          serializers: ['json', 'cbor'],
          allowedOrigins: ['https://app.example.com', 'http://localhost:*'],
        },
        { type: 'rawsocket', port: 0 },
        { type: 'rawsocket', path: '/tmp/wamp.sock' },
      ],
      realms: [
        {
          name: 'realm1',
          roles: [{ name: 'user', permissions: [{ uri: '', match: 'prefix', allow: { call: true } }] }],
          auth: { anonymous: { role: 'user' } },
        },
      ],
      autoCreateRealms: false,
      auth: {
        ticket: { principals: { a: { ticket: 't', role: 'user' } } },
        wampcra: { users: { b: { secret: 's', role: 'user', salt: 'x', iterations: 10, keylen: 32 } } },
        cryptosign: { principals: { c: { authorizedKeys: ['ab'.repeat(32)], role: 'user' } } },
      },
      limits: {
        maxMessageSize: 1024,
        maxSessions: 5,
        outboundHighWaterMark: 0,
        outboundHardLimit: 10,
        shutdownTimeout: 0,
        handshakeTimeout: 1,
      },
    };
    expect(validateRouterOptions(JSON.parse(JSON.stringify(options)))).toEqual(options);
  });

  it.each([
    [{ listners: [] }, 'listners', /unknown option \(expected one of: listeners, realms/],
    [{ listeners: {} }, 'listeners', /must be a list/],
    [{ listeners: [{ type: 'http' }] }, 'listeners[0].type', /must be one of "websocket", "rawsocket"/],
    [{ listeners: [{ type: 'websocket', port: 70000 }] }, 'listeners[0].port', /integer in 0..65535/],
    [{ listeners: [{ type: 'websocket', path: 'ws' }] }, 'listeners[0].path', /must start with "\/"/],
    [
      { listeners: [{ type: 'websocket', serializers: ['xml'] }] },
      'listeners[0].serializers[0]',
      /must be one of/,
    ],
    [{ listeners: [{ type: 'rawsocket' }] }, 'listeners[0].port', /is required/],
    [
      { listeners: [{ type: 'rawsocket', path: '/tmp/s', port: 1 }] },
      'listeners[0].path',
      /either path, or host and port/,
    ],
    [{ listeners: [{ type: 'websocket', tls: { cert: 'c' } }] }, 'listeners[0].tls.key', /non-empty string/],
    [
      { listeners: [{ type: 'websocket', tls: { cert: 'c', key: 'k', rejectUnauthorized: 'no' } }] },
      'listeners[0].tls.rejectUnauthorized',
      /true or false/,
    ],
    [
      { listeners: [{ type: 'websocket', allowedOrigins: [''] }] },
      'listeners[0].allowedOrigins[0]',
      /an origin/,
    ],
    [
      { listeners: [{ type: 'rawsocket', port: 0, allowedOrigins: ['*'] }] },
      'listeners[0].allowedOrigins',
      /WebSocket listeners only/,
    ],
    [{ realms: [{ name: 'bad realm' }] }, 'realms[0].name', /not a valid URI/],
    [{ realms: [{ name: 'r' }, { name: 'r' }] }, 'realms[1].name', /listed twice/],
    [{ realms: [{ name: 'r', roles: [{ name: 'x' }] }] }, 'realms[0].roles[0].permissions', /must be a list/],
    [
      {
        realms: [
          { name: 'r', roles: [{ name: 'x', permissions: [{ uri: 'a', match: 'glob', allow: {} }] }] },
        ],
      },
      'realms[0].roles[0].permissions[0].match',
      /must be one of "exact", "prefix", "wildcard"/,
    ],
    [
      {
        realms: [{ name: 'r', roles: [{ name: 'x', permissions: [{ uri: 'a', allow: { call: 'yes' } }] }] }],
      },
      'realms[0].roles[0].permissions[0].allow.call',
      /true or false/,
    ],
    [
      { auth: { ticket: { principals: { a: { ticket: 't' } } } } },
      'auth.ticket.principals.a.role',
      /non-empty string/,
    ],
    [
      { auth: { wampcra: { users: { a: { role: 'r' } } } } },
      'auth.wampcra.users.a.secret',
      /exactly one of secret and key/,
    ],
    [
      { auth: { wampcra: { users: { a: { role: 'r', key: 'k' } } } } },
      'auth.wampcra.users.a.salt',
      /required with key/,
    ],
    [
      { auth: { cryptosign: { principals: { a: { role: 'r', authorizedKeys: ['nothex'] } } } } },
      'auth.cryptosign.principals.a.authorizedKeys[0]',
      /64 hex characters/,
    ],
    [{ auth: { kerberos: {} } }, 'auth.kerberos', /unknown option/],
    [{ limits: { maxSessions: 0 } }, 'limits.maxSessions', /integer >= 1/],
    [{ limits: { handshakeTimeout: 0 } }, 'limits.handshakeTimeout', /integer in 1..2147483647/],
    [{ limits: { handshakeTimeout: 2 ** 31 } }, 'limits.handshakeTimeout', /integer in 1..2147483647/],
    [{ limits: { handshakeTimeout: '10s' } }, 'limits.handshakeTimeout', /integer in 1..2147483647/],
    [{ limits: { shutdownTimeout: 2 ** 31 } }, 'limits.shutdownTimeout', /integer in 0..2147483647/],
    [[], '(root)', /must be an object/],
    [{ autoCreateRealms: 'yes' }, 'autoCreateRealms', /true or false/],
  ])('refuses %j naming %s', (options, key, problem) => {
    let error: unknown;
    try {
      validateRouterOptions(options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RouterOptionsError);
    expect((error as RouterOptionsError).key).toBe(key);
    expect((error as RouterOptionsError).message).toMatch(problem);
    expect((error as RouterOptionsError).message).toContain(`router option ${key}:`);
  });

  it('names the option as path segments too, for finding it in a file', () => {
    const cases: [unknown, (string | number)[]][] = [
      [{ realms: [{ name: 'r', roles: [{ name: 'x' }] }] }, ['realms', 0, 'roles', 0, 'permissions']],
      [
        { auth: { ticket: { principals: { 'a.b[1]': { ticket: 't' } } } } },
        ['auth', 'ticket', 'principals', 'a.b[1]', 'role'],
      ],
      [{ realms: [{ name: 'r' }, { name: 'r' }] }, ['realms', 1, 'name']],
    ];
    for (const [options, path] of cases) {
      expect(() => validateRouterOptions(options)).toThrow(expect.objectContaining({ path }));
    }
    const error = new RouterOptionsError('listeners[2].tls.cert', 'cannot read');
    expect(error.path).toEqual(['listeners', 2, 'tls', 'cert']);
    expect(error.problem).toBe('cannot read');
  });

  it('makes Router.start fail with the same error', async () => {
    await expect(Router.start({ limits: { maxMessageSize: 1 } })).rejects.toThrow(
      'router option limits.maxMessageSize: must be an integer >= 512',
    );
  });

  it('refuses a logger inside the plain-data options', () => {
    expect(() => validateRouterOptions({ logger: {} })).toThrow('router option logger: unknown option');
  });

  it('closes the listeners it opened when a later one cannot bind', async () => {
    const first = await Router.start({ listeners: [{ type: 'websocket', port: 0 }] });
    try {
      const taken = first.listeners[0].port!;
      await expect(
        Router.start({
          listeners: [
            { type: 'rawsocket', port: 0 },
            { type: 'websocket', port: taken },
          ],
        }),
      ).rejects.toThrow(new RegExp(`${taken}`));
    } finally {
      await first.stop();
    }
  });

  it('names a TLS file it cannot read', async () => {
    await expect(
      Router.start({
        listeners: [
          { type: 'websocket', port: 0, tls: { cert: '/nonexistent.crt', key: '/nonexistent.key' } },
        ],
      }),
    ).rejects.toThrow(/router option listeners\[0\]\.tls\.cert: cannot read "\/nonexistent\.crt"/);
  });
});
