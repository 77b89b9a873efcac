import { connectWebSocket, listenWebSocket, type Listener, type Transport } from '../../../src/transport';
import { collect, deferred, frameText, tlsFixtures } from '../helpers';

describe('WebSocket transport over TLS (wss://)', () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function listen(requestCert: boolean, onTransport: (t: Transport) => void): Promise<Listener> {
    const listener = await listenWebSocket(
      {
        port: 0,
        tls: { cert: tlsFixtures.serverCert, key: tlsFixtures.serverKey, ca: tlsFixtures.ca, requestCert },
      },
      onTransport,
    );
    cleanup.push(() => listener.close());
    return listener;
  }

  it('connects to a server whose certificate chains to the given CA', async () => {
    const server = deferred<Transport>();
    const listener = await listen(false, server.resolve);
    expect(listener.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ws$/);
    const client = await connectWebSocket(listener.url, { tls: { ca: tlsFixtures.ca } });
    cleanup.push(() => client.close());
    const atServer = collect(await server.promise);
    client.send('[1,"realm1",{}]');
    expect((await atServer.frameCount(1)).map(frameText)).toEqual(['[1,"realm1",{}]']);
  });

  it('refuses a server certificate it does not trust', async () => {
    const listener = await listen(false, () => undefined);
    await expect(connectWebSocket(listener.url)).rejects.toMatchObject({
      name: 'TransportError',
      message: expect.stringContaining(`cannot connect to ${listener.url}`),
      code: expect.stringMatching(/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/),
    });
  });

  it('does mutual TLS: a client with a certificate from the CA gets in', async () => {
    const server = deferred<Transport>();
    const listener = await listen(true, server.resolve);
    const client = await connectWebSocket(listener.url, {
      tls: { ca: tlsFixtures.ca, cert: tlsFixtures.clientCert, key: tlsFixtures.clientKey },
    });
    cleanup.push(() => client.close());
    expect((await server.promise).isOpen).toBe(true);
  });

  it('does mutual TLS: a client without a certificate is refused', async () => {
    let accepted = 0;
    const listener = await listen(true, () => accepted++);
    await expect(connectWebSocket(listener.url, { tls: { ca: tlsFixtures.ca } })).rejects.toMatchObject({
      name: 'TransportError',
    });
    expect(accepted).toBe(0);
  });
});
