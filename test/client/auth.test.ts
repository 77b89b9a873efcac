import { createHmac, createPublicKey, pbkdf2Sync, verify } from 'node:crypto';
import { ClientErrorUri, SessionClosedError } from '../../src/client/errors';
import { Session, type SessionOptions } from '../../src/client/session';
import { ErrorUri } from '../../src/protocol/errors';
import { MessageType } from '../../src/protocol/messages';
import { createInProcessPair } from '../../src/transport/inprocess';
import { ScriptedRouter, serialized } from './scripted-router';

const SEED = '4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510';

function start(options: Omit<SessionOptions, 'realm'>) {
  const [clientEnd, routerEnd] = createInProcessPair();
  const router = new ScriptedRouter(serialized(routerEnd));
  const session = new Session(serialized(clientEnd), { realm: 'realm1', ...options });
  return { router, session, joined: session.join() };
}

/** Runs one challenge: returns HELLO and the signature the client answered with, then WELCOMEs. */
async function challenge(router: ScriptedRouter, method: string, extra: Record<string, unknown>) {
  const hello = await router.next(MessageType.HELLO);
  router.send({ type: MessageType.CHALLENGE, authMethod: method, extra });
  const authenticate = await router.next(MessageType.AUTHENTICATE);
  router.send({
    type: MessageType.WELCOME,
    session: 1,
    details: { roles: {}, authid: hello.details.authid, authmethod: method },
  });
  return { hello, signature: authenticate.signature, authenticate };
}

const hmac = (key: string, text: string) => createHmac('sha256', key).update(text).digest('base64');

describe('Authentication', () => {
  it('joins as anonymous without credentials', async () => {
    const { router, session, joined } = start({});
    const hello = await router.welcome();
    await joined;
    expect(hello.details.authmethods).toEqual(['anonymous']);
    expect(hello.details.authid).toBeUndefined();
    await session.leave();
  });

  it('answers a ticket challenge with the ticket', async () => {
    const { router, session, joined } = start({ authid: 'joe', authrole: 'user', ticket: 'secret!!!' });
    const { hello, signature, authenticate } = await challenge(router, 'ticket', {});
    await joined;
    expect(hello.details).toMatchObject({ authmethods: ['ticket'], authid: 'joe', authrole: 'user' });
    expect(signature).toBe('secret!!!');
    expect(authenticate.extra).toEqual({});
    expect(session.details?.authid).toBe('joe');
    await session.leave();
  });

  it('signs a WAMP-CRA challenge with the secret', async () => {
    const { router, session, joined } = start({ authid: 'peter', secret: 'secret1' });
    const text = JSON.stringify({ authid: 'peter', nonce: 'LHRTC9zeOIrt_9U3', session: 1 });
    const { hello, signature } = await challenge(router, 'wampcra', { challenge: text });
    await joined;
    expect(hello.details.authmethods).toEqual(['wampcra']);
    expect(signature).toBe(hmac('secret1', text));
    await session.leave();
  });

  it('derives the WAMP-CRA key when the challenge carries a salt', async () => {
    const { router, session, joined } = start({ authid: 'peter', secret: 'secret1' });
    const text = '{"nonce":"x"}';
    const extra = { challenge: text, salt: 'salt123', iterations: 100, keylen: 16 };
    const { signature } = await challenge(router, 'wampcra', extra);
    await joined;
    const key = pbkdf2Sync('secret1', 'salt123', 100, 16, 'sha256').toString('base64');
    expect(signature).toBe(hmac(key, text));
    await session.leave();
  });

  it('signs a cryptosign challenge with the seed and announces the public key', async () => {
    const { router, session, joined } = start({ authid: 'device-7', privateKey: SEED });
    const challengeHex = 'a'.repeat(64);
    const { hello, signature } = await challenge(router, 'cryptosign', { challenge: challengeHex });
    await joined;
    expect(hello.details.authmethods).toEqual(['cryptosign']);
    const pubkey = (hello.details.authextra as { pubkey: string }).pubkey;
    expect(pubkey).toMatch(/^[0-9a-f]{64}$/);
    expect(signature).toHaveLength(192);
    expect(signature.slice(128)).toBe(challengeHex);
    const publicKey = createPublicKey({
      key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(pubkey, 'hex')]),
      format: 'der',
      type: 'spki',
    });
    const valid = verify(
      null,
      Buffer.from(challengeHex, 'hex'),
      publicKey,
      Buffer.from(signature.slice(0, 128), 'hex'),
    );
    expect(valid).toBe(true);
    await session.leave();
  });

  it('keeps the user authextra next to the public key', async () => {
    const { router, session, joined } = start({ privateKey: SEED, authextra: { channel: 'x' } });
    const hello = await router.welcome();
    await joined;
    expect(hello.details.authextra).toMatchObject({ channel: 'x', pubkey: expect.any(String) });
    await session.leave();
  });

  it('offers every method it has credentials for, or exactly the given authmethods', async () => {
    const all = start({ ticket: 't', secret: 's', privateKey: SEED });
    expect((await all.router.welcome()).details.authmethods).toEqual(['cryptosign', 'wampcra', 'ticket']);
    await all.joined;
    await all.session.leave();
    const chosen = start({ ticket: 't', authmethods: ['ticket', 'anonymous'] });
    expect((await chosen.router.welcome()).details.authmethods).toEqual(['ticket', 'anonymous']);
    await chosen.joined;
    await chosen.session.leave();
  });

  it('asks onChallenge for methods without a credential, even asynchronously', async () => {
    const seen: unknown[] = [];
    const { router, session, joined } = start({
      authmethods: ['x-custom'],
      onChallenge: async (c) => {
        seen.push(c);
        return 'answer';
      },
    });
    const { signature } = await challenge(router, 'x-custom', { n: 1 });
    await joined;
    expect(seen).toEqual([{ method: 'x-custom', extra: { n: 1 } }]);
    expect(signature).toBe('answer');
    await session.leave();
  });

  it('aborts with wamp.error.cannot_authenticate when onChallenge throws', async () => {
    const { router, joined } = start({
      authmethods: ['ticket'],
      onChallenge: () => {
        throw new Error('no token at hand');
      },
    });
    await router.next(MessageType.HELLO);
    router.send({ type: MessageType.CHALLENGE, authMethod: 'ticket', extra: {} });
    const abort = await router.next(MessageType.ABORT);
    expect(abort).toMatchObject({
      reason: ClientErrorUri.CANNOT_AUTHENTICATE,
      details: { message: 'no token at hand' },
    });
    await expect(joined).rejects.toMatchObject({ uri: ClientErrorUri.CANNOT_AUTHENTICATE });
    await router.closed;
  });

  it('aborts when challenged for a method it has no credential for', async () => {
    const { router, joined } = start({ ticket: 't' });
    await router.next(MessageType.HELLO);
    router.send({ type: MessageType.CHALLENGE, authMethod: 'wampcra', extra: { challenge: 'x' } });
    expect((await router.next(MessageType.ABORT)).details.message).toMatch(/no credential for the wampcra/);
    await expect(joined).rejects.toBeInstanceOf(SessionClosedError);
  });

  it('rejects the join with the router refusal', async () => {
    const { router, joined } = start({ ticket: 'wrong' });
    await router.next(MessageType.HELLO);
    router.send({ type: MessageType.CHALLENGE, authMethod: 'ticket', extra: {} });
    await router.next(MessageType.AUTHENTICATE);
    router.send({ type: MessageType.ABORT, details: {}, reason: ErrorUri.AUTHENTICATION_FAILED });
    await expect(joined).rejects.toMatchObject({ uri: ErrorUri.AUTHENTICATION_FAILED });
  });

  it('refuses malformed options at once', () => {
    const [clientEnd] = createInProcessPair();
    expect(() => new Session(clientEnd, { realm: 'r', privateKey: 'not hex' })).toThrow(TypeError);
    expect(() => new Session(clientEnd, { realm: 'r', onChallenge: () => 'x' })).toThrow(/authmethods/);
  });
});
