import { validateRouterOptions } from '../../../src/router';

describe('options of dynamic authentication and authorization', () => {
  it.each([
    [{ auth: { ticket: {} } }, 'auth.ticket.principals', /exactly one of principals and authenticator/],
    [
      { auth: { ticket: { principals: {}, authenticator: { module: './a.js' } } } },
      'auth.ticket.principals',
      /exactly one/,
    ],
    [
      { auth: { wampcra: { authenticator: { module: '' } } } },
      'auth.wampcra.authenticator.module',
      /non-empty/,
    ],
    [
      { auth: { tls: { authenticator: { module: 'a.js', timeout: 0 } } } },
      'auth.tls.authenticator.timeout',
      /integer/,
    ],
    [
      { auth: { tls: { principals: { a: { role: 'r' } } } } },
      'auth.tls.principals.a.fingerprint',
      /exactly one/,
    ],
    [
      { auth: { tls: { principals: { a: { fingerprint: 'AB:CD', role: 'r' } } } } },
      'auth.tls.principals.a.fingerprint',
      /SHA-256/,
    ],
    [{ realms: [{ name: 'r', authorizer: { file: 'x' } }] }, 'realms[0].authorizer.file', /unknown option/],
    [{ realms: [{ name: 'r', authorizer: { function: 'x' } }] }, 'realms[0].authorizer.function', /function/],
  ])('refuses %j naming %s', (options, key, problem) => {
    expect(() => validateRouterOptions(options)).toThrow(expect.objectContaining({ key }));
    expect(() => validateRouterOptions(options)).toThrow(problem);
  });

  it('takes a module export, a function, or a function with a timeout', () => {
    const authorize = () => true;
    expect(() =>
      validateRouterOptions({
        auth: {
          ticket: { authenticator: { module: './auth.js', export: 'authenticate', timeout: 2000 } },
          cryptosign: { authenticator: () => ({ authrole: 'device' }) },
          tls: { principals: { svc: { commonName: 'svc', role: 'service' } } },
        },
        realms: [{ name: 'realm1', authorizer: { function: authorize, timeout: 500 } }],
      }),
    ).not.toThrow();
  });
});
