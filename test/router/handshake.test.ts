import { MessageType as M } from '../../src/protocol';
import {
  createInProcessPair,
  HANDSHAKE_TIMEOUT,
  type Router,
  type RouterStartOptions,
  type Transport,
} from '../../src/router';
import { ALL_CLIENT_ROLES, ScriptedPeer } from './helpers/peer';
import { startRouter } from './helpers/router';

const EMPTY = { transports: 0, sessions: 0, registrations: 0, subscriptions: 0, callsInFlight: 0 };

describe('handshake timeout', () => {
  let router: Router;

  async function start(options: RouterStartOptions = {}): Promise<void> {
    router = await startRouter({ ...options, limits: { handshakeTimeout: 60, ...options.limits } });
  }

  afterEach(async () => {
    await router.stop();
  });

  async function expectTimeout(peer: ScriptedPeer, awaited: string): Promise<void> {
    const abort = await peer.expect(M.ABORT);
    expect(abort).toEqual([M.ABORT, { message: `no ${awaited} within 60 ms` }, HANDSHAKE_TIMEOUT]);
    await peer.closed;
    expect(router.stats).toMatchObject(EMPTY);
  }

  it('closes a transport that never says HELLO', async () => {
    await start();
    const peer = ScriptedPeer.attach(router);
    expect(router.stats.transports).toBe(1);
    await expectTimeout(peer, 'HELLO');
  });

  it('closes a session that stops in the middle of authentication, freeing its session id', async () => {
    await start({ auth: { ticket: { principals: { alice: { ticket: 's3cret', role: 'user' } } } } });
    const peer = ScriptedPeer.attach(router);
    peer.send([M.HELLO, 'realm1', { roles: ALL_CLIENT_ROLES, authmethods: ['ticket'], authid: 'alice' }]);
    await peer.expect(M.CHALLENGE);
    expect(router.stats).toMatchObject({ transports: 1, sessions: 1 });
    await expectTimeout(peer, 'AUTHENTICATE');
  });

  it('leaves established sessions alone', async () => {
    await start();
    const peer = await ScriptedPeer.join(router);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await peer.callForResult('wamp.session.count')).toEqual([1]);
  });

  it('runs again once a session ends and the transport waits for the next HELLO', async () => {
    await start();
    const peer = await ScriptedPeer.join(router);
    peer.send([M.GOODBYE, {}, 'wamp.close.normal']);
    await peer.expect(M.GOODBYE);
    await expectTimeout(peer, 'HELLO');
  });

  it('stops for a session established from inside attach, by a transport that delivers at once', async () => {
    await start();
    const [client, server] = createInProcessPair();
    const peer = new ScriptedPeer(client);
    const eager: Transport = {
      kind: 'inprocess',
      peer: 'inprocess:eager',
      get serializer() {
        return server.serializer;
      },
      get maxMessageSize() {
        return server.maxMessageSize;
      },
      get bufferedAmount() {
        return server.bufferedAmount;
      },
      get isOpen() {
        return server.isOpen;
      },
      attach: (handlers) => {
        server.attach(handlers);
        handlers.message([M.HELLO, 'realm1', { roles: ALL_CLIENT_ROLES }]);
      },
      send: (frame) => server.send(frame),
      close: (code, reason) => server.close(code, reason),
    };
    router.attach(eager);
    await peer.expect(M.WELCOME);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await peer.callForResult('wamp.session.count')).toEqual([1]);
  });

  it('gives a new session on the same transport the whole timeout again', async () => {
    await start();
    const peer = await ScriptedPeer.join(router);
    await new Promise((resolve) => setTimeout(resolve, 40));
    peer.send([M.GOODBYE, {}, 'wamp.close.normal']);
    await peer.expect(M.GOODBYE);
    await new Promise((resolve) => setTimeout(resolve, 40));
    await peer.hello();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await peer.callForResult('wamp.session.count')).toEqual([1]);
  });
});
