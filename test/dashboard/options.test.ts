import { withDashboard } from '../../cli/dashboard-flag';
import { dashboardUrl } from '../../src/router/dashboard';
import { RouterOptionsError, validateRouterOptions, type ListenerOptions } from '../../src/router/options';

describe('the dashboard listener option', () => {
  const listener = (dashboard: unknown, type = 'websocket') => ({
    listeners: [{ type, port: 0, dashboard }],
  });

  it('takes true or { realm, path } on a WebSocket listener', () => {
    expect(validateRouterOptions(listener(true)).listeners?.[0]).toMatchObject({ dashboard: true });
    expect(
      validateRouterOptions(listener({ realm: 'ops', path: '/admin/dash' })).listeners?.[0],
    ).toMatchObject({
      dashboard: { realm: 'ops', path: '/admin/dash' },
    });
  });

  it('refuses it elsewhere and with bad values, naming the option', () => {
    expect(() => validateRouterOptions(listener(true, 'rawsocket'))).toThrow(
      'listeners[0].dashboard: applies to WebSocket listeners only (it is served over HTTP)',
    );
    expect(() => validateRouterOptions(listener({ path: 'dash' }))).toThrow(
      'listeners[0].dashboard.path: must be a URL path like /dashboard',
    );
    expect(() => validateRouterOptions(listener({ path: '/a/../b' }))).toThrow(RouterOptionsError);
    expect(() => validateRouterOptions(listener({ realm: 'not a uri' }))).toThrow(
      /listeners\[0\]\.dashboard\.realm/,
    );
    expect(() => validateRouterOptions(listener({ theme: 'dark' }))).toThrow(
      /listeners\[0\]\.dashboard\.theme: unknown option/,
    );
  });

  it('--dashboard puts it on the first WebSocket listener, once', () => {
    const listeners: ListenerOptions[] = [
      { type: 'rawsocket', port: 0 },
      { type: 'websocket', port: 0 },
      { type: 'websocket', port: 0 },
    ];
    expect(
      withDashboard(listeners, 'prod').map((l) => (l.type === 'websocket' ? l.dashboard : 'rs')),
    ).toEqual(['rs', { realm: 'prod' }, undefined]);
    const given: ListenerOptions[] = [
      { type: 'websocket', port: 0 },
      { type: 'websocket', port: 0, dashboard: { path: '/d' } },
    ];
    expect(withDashboard(given)).toEqual(given);
    expect(() => withDashboard([{ type: 'rawsocket', port: 0 }])).toThrow(/needs a WebSocket listener/);
  });

  it('is at /dashboard/ of the listener, or its path', () => {
    expect(dashboardUrl('ws://127.0.0.1:8080/ws', true)).toBe('http://127.0.0.1:8080/dashboard/');
    expect(dashboardUrl('wss://router.example.com:8443/wamp', { path: '/ops/' })).toBe(
      'https://router.example.com:8443/ops/',
    );
  });
});
