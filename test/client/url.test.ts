import { parseRouterUrl, transportFor } from '../../src/client/url';
import { TransportError } from '../../src/transport';

describe('parseRouterUrl', () => {
  it.each([
    ['ws://127.0.0.1:8080/ws', { kind: 'websocket', url: 'ws://127.0.0.1:8080/ws' }],
    ['wss://router.example/wamp', { kind: 'websocket', url: 'wss://router.example/wamp' }],
    ['rs://127.0.0.1:8081', { kind: 'rawsocket', host: '127.0.0.1', port: 8081, tls: false }],
    ['rss://router.example:443', { kind: 'rawsocket', host: 'router.example', port: 443, tls: true }],
    ['rs://[::1]:8081', { kind: 'rawsocket', host: '::1', port: 8081, tls: false }],
    ['unix:/tmp/wamp.sock', { kind: 'unix', path: '/tmp/wamp.sock' }],
    ['unix:///tmp/wamp.sock', { kind: 'unix', path: '/tmp/wamp.sock' }],
    ['unix:relative.sock', { kind: 'unix', path: 'relative.sock' }],
  ])('%s', (url, address) => {
    expect(parseRouterUrl(url)).toEqual(address);
  });

  it.each([
    ['http://x:1', /unknown scheme http:/],
    ['rs://127.0.0.1', /needs host:port/],
    ['rs://127.0.0.1:8081/path', /no path/],
    ['unix:', /path is missing/],
    ['not a url', /not a URL/],
  ])('refuses %s', (url, why) => {
    const error = (() => {
      try {
        parseRouterUrl(url);
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code: 'INVALID_URL', message: expect.stringMatching(why) });
  });

  it('refuses an unknown serializer at once', () => {
    expect(() => transportFor('ws://127.0.0.1:1/ws', { serializer: 'xml' })).toThrow(
      /unknown serializer xml/,
    );
  });
});
