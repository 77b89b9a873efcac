import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cryptosign,
  MessageType as M,
  serializerByName,
  WampError,
  wampcra,
  type Dict,
} from '../../../src/protocol';
import { Router, type RouterStartOptions } from '../../../src/router';
import type { AuthenticateFunction, AuthenticationRequest } from '../../../src/router/auth/dynamic';
import { connectWebSocket } from '../../../src/transport';
import { capturingLogger } from '../../helpers/capturing-logger';
import { ScriptedPeer } from '../helpers/peer';

const ROLES = { caller: {}, callee: {} };

/** A router on a loopback port whose log lines (warn and above) a test reads. */
async function startWith(
  auth: RouterStartOptions['auth'],
): Promise<{ router: Router; url: string; logs: Dict[] }> {
  const { logger, lines: logs } = capturingLogger();
  const router = await Router.start({
    auth,
    listeners: [{ type: 'websocket', port: 0 }],
    limits: { shutdownTimeout: 50 },
    logger,
  });
  return { router, url: router.listeners[0]!.url, logs };
}

async function connect(url: string, headers?: Record<string, string>): Promise<ScriptedPeer> {
  return new ScriptedPeer(await connectWebSocket(url, { serializers: [serializerByName('json')!], headers }));
}

async function aborted(peer: ScriptedPeer): Promise<[string, string]> {
  const abort = await peer.expect(M.ABORT);
  await peer.closed;
  return [abort[2] as string, (abort[1] as { message: string }).message];
}

describe('dynamic authenticator', () => {
  let router: Router | undefined;
  afterEach(async () => {
    await router?.stop();
    router = undefined;
  });

  describe('ticket', () => {
    const seen: AuthenticationRequest[] = [];
    let answer: AuthenticateFunction;
    const authenticator: AuthenticateFunction = (request) => {
      seen.push(request);
      return answer(request);
    };

    async function login(ticket: string, details: Dict = { authid: 'alice' }, timeout?: number) {
      const started = await startWith({
        ticket: {
          authenticator: timeout === undefined ? authenticator : { function: authenticator, timeout },
        },
      });
      router = started.router;
      const peer = await connect(started.url, { Origin: 'http://localhost:3000' });
      peer.send([M.HELLO, 'realm1', { roles: ROLES, authmethods: ['ticket'], ...details }]);
      expect(await peer.expect(M.CHALLENGE)).toEqual([M.CHALLENGE, 'ticket', {}]);
      peer.send([M.AUTHENTICATE, ticket, {}]);
      return { peer, logs: started.logs };
    }

    beforeEach(() => {
      seen.length = 0;
    });

    it('is called with the HELLO, the ticket and the link, and gives the identity', async () => {
      answer = ({ ticket }) => {
        if (ticket !== 'good') throw new Error('bad ticket');
        return { authrole: 'user', authextra: { plan: 'gold' } };
      };
      const { peer } = await login('good', { authid: 'alice', authextra: { device: 'phone' } });
      const [, session, welcome] = await peer.expect(M.WELCOME);
      expect(welcome).toMatchObject({
        authid: 'alice',
        authrole: 'user',
        authmethod: 'ticket',
        authprovider: 'dynamic',
        authextra: { plan: 'gold' },
      });
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({
        realm: 'realm1',
        authmethod: 'ticket',
        authid: 'alice',
        ticket: 'good',
        authextra: { device: 'phone' },
        transport: { type: 'websocket', origin: 'http://localhost:3000' },
      });
      expect(seen[0]!.transport.peer).toMatch(/127\.0\.0\.1:\d+$/);
      expect(seen[0]!.session).toBe(session);
    });

    it('may name the authid itself (a token that says who it is)', async () => {
      answer = async () => ({ authid: 'from-token', authrole: 'user' });
      const { peer } = await login('token', {});
      expect((await peer.expect(M.WELCOME))[2]).toMatchObject({ authid: 'from-token' });
    });

    it('refuses when it throws: a generic ABORT, its error in one log line', async () => {
      answer = () => {
        throw new Error('database says no');
      };
      const { peer, logs } = await login('bad');
      expect(await aborted(peer)).toEqual(['wamp.error.authentication_failed', 'authentication failed']);
      expect(logs.filter((l) => String(l.msg).includes('database says no'))).toHaveLength(1);
    });

    it('refuses with the URI and message of a WampError it throws', async () => {
      answer = () => Promise.reject(new WampError('com.example.expired', 'ticket expired'));
      const { peer } = await login('old');
      expect(await aborted(peer)).toEqual(['com.example.expired', 'ticket expired']);
    });

    it('refuses when it does not answer within its timeout', async () => {
      answer = () => new Promise(() => undefined);
      const { peer, logs } = await login('slow', { authid: 'alice' }, 100);
      expect(await aborted(peer)).toEqual([
        'wamp.error.authentication_failed',
        'the authenticator did not answer within 100 ms',
      ]);
      expect(logs.filter((l) => String(l.msg).includes('timed out'))).toHaveLength(1);
    });

    it.each([
      ['not an object', 42],
      ['null', null],
      ['no authrole', { authid: 'alice' }],
      ['an empty authrole', { authrole: '' }],
      ['authextra not an object', { authrole: 'user', authextra: 'x' }],
      ['no authid at all', { authrole: 'user' }],
    ])('refuses an answer that is garbage: %s', async (what, garbage) => {
      answer = () => garbage as never;
      const details = what === 'no authid at all' ? {} : { authid: 'alice' };
      const { peer, logs } = await login('any', details);
      expect(await aborted(peer)).toEqual([
        'wamp.error.authentication_failed',
        'the authenticator gave an invalid answer',
      ]);
      expect(logs.filter((l) => String(l.msg).includes('answered garbage'))).toHaveLength(1);
    });

    it('does not crash when the client goes away while it is asked', async () => {
      let release!: () => void;
      answer = () => new Promise((resolve) => (release = () => resolve({ authrole: 'user' })));
      const { peer } = await login('any');
      await new Promise<void>((resolve) => {
        const wait = () => (seen.length > 0 ? resolve() : setImmediate(wait));
        wait();
      });
      peer.transport.close(1000, 'bye');
      await peer.closed;
      release();
      expect(router!.sessionCount).toBe(0);
      answer = () => ({ authrole: 'user' });
      // The router still serves.
      const next = await connect(router!.listeners[0]!.url);
      next.send([M.HELLO, 'realm1', { roles: ROLES, authmethods: ['ticket'], authid: 'bob' }]);
      await next.expect(M.CHALLENGE);
      next.send([M.AUTHENTICATE, 'x', {}]);
      await next.expect(M.WELCOME);
    });
  });

  describe('wampcra', () => {
    it('gives the secret (or salted key) the signature is checked with; a refusal looks like a wrong secret', async () => {
      const started = await startWith({
        wampcra: {
          authenticator: ({ authid }) => {
            if (authid === 'plain') return { authrole: 'user', secret: 'plain-secret' };
            if (authid === 'salted') {
              return {
                authrole: 'admin',
                key: wampcra.deriveKey('salted-secret', 'salt1', 10, 16),
                salt: 'salt1',
                iterations: 10,
                keylen: 16,
              };
            }
            throw new Error(`no user ${authid}`);
          },
        },
      });
      router = started.router;
      const login = async (authid: string, secret: string) => {
        const peer = await connect(started.url);
        peer.send([M.HELLO, 'realm1', { roles: ROLES, authmethods: ['wampcra'], authid }]);
        const extra = (await peer.expect(M.CHALLENGE))[2] as Dict;
        peer.send([M.AUTHENTICATE, wampcra.computeSignature(secret, extra), {}]);
        return peer;
      };
      expect((await (await login('plain', 'plain-secret')).expect(M.WELCOME))[2]).toMatchObject({
        authid: 'plain',
        authrole: 'user',
        authprovider: 'dynamic',
      });
      expect((await (await login('salted', 'salted-secret')).expect(M.WELCOME))[2]).toMatchObject({
        authrole: 'admin',
      });
      const wrong = await aborted(await login('plain', 'guess'));
      const unknown = await aborted(await login('ghost', 'guess'));
      expect(unknown).toEqual(wrong);
      expect(wrong).toEqual(['wamp.error.authentication_failed', 'invalid signature or unknown authid']);
      expect(started.logs.filter((l) => String(l.msg).includes('no user ghost'))).toHaveLength(1);
    });
  });

  describe('cryptosign', () => {
    it('says whether the key may sign in; the router checks the signature', async () => {
      const seed = cryptosign.generateSeed();
      const pubkey = cryptosign.publicKeyHex(seed);
      const started = await startWith({
        cryptosign: {
          authenticator: (request) => {
            if (request.pubkey !== pubkey) throw new Error('unknown key');
            return { authid: 'device-7', authrole: 'device' };
          },
        },
      });
      router = started.router;
      const login = async (key: string, signer: string) => {
        const peer = await connect(started.url);
        peer.send([
          M.HELLO,
          'realm1',
          { roles: ROLES, authmethods: ['cryptosign'], authextra: { pubkey: key } },
        ]);
        const extra = (await peer.expect(M.CHALLENGE))[2] as { challenge: string };
        peer.send([M.AUTHENTICATE, cryptosign.signChallenge(signer, extra.challenge), {}]);
        return peer;
      };
      expect((await (await login(pubkey, seed)).expect(M.WELCOME))[2]).toMatchObject({
        authid: 'device-7',
        authrole: 'device',
        authextra: { pubkey },
      });
      const stranger = cryptosign.generateSeed();
      const wrongSigner = await aborted(await login(pubkey, stranger));
      const refused = await aborted(await login(cryptosign.publicKeyHex(stranger), stranger));
      expect(refused).toEqual(wrongSigner);
    });
  });

  describe('named by module and export', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wservice-auth-'));
    const file = join(dir, 'auth.cjs');
    writeFileSync(
      file,
      `exports.authenticate = async ({ ticket }) => {
         if (ticket !== 'opensesame') throw new Error('wrong ticket');
         return { authrole: 'user' };
       };\n`,
    );

    it('loads the function when the router starts and calls it', async () => {
      const started = await startWith({
        ticket: { authenticator: { module: file, export: 'authenticate' } },
      });
      router = started.router;
      for (const [ticket, welcomed] of [
        ['opensesame', true],
        ['nope', false],
      ] as const) {
        const peer = await connect(started.url);
        peer.send([M.HELLO, 'realm1', { roles: ROLES, authmethods: ['ticket'], authid: 'alice' }]);
        await peer.expect(M.CHALLENGE);
        peer.send([M.AUTHENTICATE, ticket, {}]);
        expect((await peer.next())[0]).toBe(welcomed ? M.WELCOME : M.ABORT);
      }
    });

    it('refuses to start when the module has no such function', async () => {
      await expect(
        Router.start({ auth: { ticket: { authenticator: { module: file, export: 'nothing' } } } }),
      ).rejects.toThrow(/has no function export "nothing"/);
    });
  });
});
