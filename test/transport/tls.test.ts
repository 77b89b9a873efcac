import {
  connectRawSocket,
  connectWebSocket,
  listenRawSocket,
  listenWebSocket,
  type ClientTlsOptions,
  type Listener,
  type Transport,
} from '../../src/transport';
import { cleanupAfterEach, collect, deferred, frameText, serverTls, tlsFixtures } from './helpers';

/** The same TLS scenarios for both transports: how to listen, how to connect, what the URL looks like. */
const TRANSPORTS = [
  {
    name: 'WebSocket (wss://)',
    url: /^wss:\/\/127\.0\.0\.1:\d+\/ws$/,
    listen: (requestCert: boolean, onTransport: (t: Transport) => void) =>
      listenWebSocket({ port: 0, tls: serverTls(requestCert) }, onTransport),
    connect: (listener: Listener, tls: ClientTlsOptions, host = '127.0.0.1') =>
      connectWebSocket(listener.url.replace('127.0.0.1', host), { tls }),
  },
  {
    name: 'RawSocket (rss://)',
    url: /^rss:\/\/127\.0\.0\.1:\d+$/,
    listen: (requestCert: boolean, onTransport: (t: Transport) => void) =>
      listenRawSocket({ port: 0, tls: serverTls(requestCert) }, onTransport),
    connect: (listener: Listener, tls: ClientTlsOptions, host = '127.0.0.1') =>
      connectRawSocket({ host, port: listener.port!, tls }),
  },
];

describe.each(TRANSPORTS)('$name over TLS', ({ url, listen, connect }) => {
  const cleanup = cleanupAfterEach();

  async function listening(requestCert: boolean, onTransport: (t: Transport) => void): Promise<Listener> {
    const listener = await listen(requestCert, onTransport);
    cleanup.push(() => listener.close());
    return listener;
  }

  it.each(['127.0.0.1', 'localhost'])(
    'connects to %s when the certificate chains to the given CA',
    async (host) => {
      const server = deferred<Transport>();
      const listener = await listening(false, server.resolve);
      expect(listener.url).toMatch(url);
      const client = await connect(listener, { ca: tlsFixtures.ca }, host);
      cleanup.push(() => client.close());
      const atServer = collect(await server.promise);
      client.send('[1,"realm1",{}]');
      expect((await atServer.frameCount(1)).map(frameText)).toEqual(['[1,"realm1",{}]']);
    },
  );

  it('refuses a server certificate it does not trust', async () => {
    let accepted = 0;
    const listener = await listening(false, () => accepted++);
    await expect(connect(listener, {})).rejects.toMatchObject({
      name: 'TransportError',
      message: expect.stringMatching(/^cannot connect to (wss|rss):\/\/127\.0\.0\.1:\d+/),
      code: expect.stringMatching(/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/),
    });
    expect(accepted).toBe(0);
  });

  it('does mutual TLS: a client with a certificate from the CA gets in', async () => {
    const server = deferred<Transport>();
    const listener = await listening(true, server.resolve);
    const client = await connect(listener, {
      ca: tlsFixtures.ca,
      cert: tlsFixtures.clientCert,
      key: tlsFixtures.clientKey,
    });
    cleanup.push(() => client.close());
    expect((await server.promise).isOpen).toBe(true);
  });

  it('does mutual TLS: a client without a certificate is refused', async () => {
    let accepted = 0;
    const listener = await listening(true, () => accepted++);
    await expect(connect(listener, { ca: tlsFixtures.ca })).rejects.toMatchObject({ name: 'TransportError' });
    expect(accepted).toBe(0);
  });
});
