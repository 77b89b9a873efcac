import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { MessageType as M, serializerByName, type Dict } from '../../../src/protocol';
import { Router, type RouterStartOptions } from '../../../src/router';
import type { AuthenticationRequest } from '../../../src/router/auth/dynamic';
import { connectWebSocket } from '../../../src/transport';
import { ScriptedPeer } from '../helpers/peer';

const TLS_DIR = join(__dirname, '..', '..', 'fixtures', 'tls');
const read = (name: string) => readFileSync(join(TLS_DIR, name), 'utf8');
const CLIENT = { cert: read('client.crt'), key: read('client.key') };
const FINGERPRINT = new X509Certificate(CLIENT.cert).fingerprint256;
const ROLES = { caller: {} };

describe('TLS client-certificate authentication (authmethod tls)', () => {
  let router: Router;

  async function start(auth: RouterStartOptions['auth']): Promise<void> {
    router = await Router.start({
      auth,
      listeners: [
        {
          type: 'websocket',
          port: 0,
          // rejectUnauthorized false: clients without a certificate connect, and tls auth refuses them.
          tls: {
            cert: read('server.crt'),
            key: read('server.key'),
            ca: read('ca.crt'),
            requestCert: true,
            rejectUnauthorized: false,
          },
        },
      ],
      limits: { shutdownTimeout: 50 },
    });
  }

  afterEach(async () => {
    await router.stop();
  });

  async function hello(withCertificate: boolean, details: Dict = {}): Promise<ScriptedPeer> {
    const transport = await connectWebSocket(router.listeners[0]!.url, {
      serializers: [serializerByName('json')!],
      tls: { ca: read('ca.crt'), ...(withCertificate ? CLIENT : {}) },
    });
    const peer = new ScriptedPeer(transport);
    peer.send([M.HELLO, 'realm1', { roles: ROLES, authmethods: ['tls'], ...details }]);
    return peer;
  }

  async function aborted(peer: ScriptedPeer): Promise<unknown[]> {
    const abort = await peer.expect(M.ABORT);
    return [abort[2], (abort[1] as Dict).message];
  }

  it('welcomes the principal whose CN the CA signed, without a challenge', async () => {
    await start({ tls: { principals: { 'svc-a': { commonName: 'wservice-client', role: 'service' } } } });
    const welcome = (await (await hello(true)).expect(M.WELCOME))[2] as Dict;
    expect(welcome).toMatchObject({
      authid: 'svc-a',
      authrole: 'service',
      authmethod: 'tls',
      authprovider: 'static',
      authextra: { fingerprint: FINGERPRINT },
    });
  });

  it('welcomes a principal pinned by fingerprint (any case, colons optional)', async () => {
    const pin = FINGERPRINT.replaceAll(':', '').toLowerCase();
    await start({ tls: { principals: { device: { fingerprint: pin, role: 'device' } } } });
    expect((await (await hello(true, { authid: 'device' })).expect(M.WELCOME))[2]).toMatchObject({
      authid: 'device',
    });
  });

  it('refuses a client without a certificate, an unknown certificate and another authid', async () => {
    await start({
      tls: {
        principals: {
          'svc-a': { commonName: 'someone-else', role: 'service' },
          'svc-b': { commonName: 'wservice-client', role: 'service' },
        },
      },
    });
    expect(await aborted(await hello(false))).toEqual([
      'wamp.error.authentication_failed',
      'tls authentication needs a TLS client certificate',
    ]);
    expect(await aborted(await hello(true, { authid: 'svc-a' }))).toEqual([
      'wamp.error.authentication_failed',
      'no principal for this client certificate',
    ]);
    expect((await (await hello(true)).expect(M.WELCOME))[2]).toMatchObject({ authid: 'svc-b' });
  });

  it('asks a dynamic authenticator, which gets the certificate', async () => {
    const seen: AuthenticationRequest[] = [];
    await start({
      tls: {
        authenticator: (request) => {
          seen.push(request);
          return { authid: request.transport.certificate!.subject.CN!, authrole: 'service' };
        },
      },
    });
    expect((await (await hello(true)).expect(M.WELCOME))[2]).toMatchObject({
      authid: 'wservice-client',
      authprovider: 'dynamic',
    });
    expect(seen[0]!.transport.certificate).toMatchObject({ authorized: true, fingerprint256: FINGERPRINT });
  });
});
