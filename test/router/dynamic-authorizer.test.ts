import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageType as M, serializerByName, type Dict } from '../../src/protocol';
import { Router, type RealmOptions } from '../../src/router';
import type { AuthorizationSession, AuthorizeFunction } from '../../src/router/auth/authorize';
import { connectWebSocket } from '../../src/transport';
import { capturingLogger } from '../helpers/capturing-logger';
import { linesWith } from './helpers/log-lines';
import { ScriptedPeer } from './helpers/peer';
import { until } from '../helpers/until';

interface Question {
  session: AuthorizationSession;
  action: string;
  uri: string;
  options: Dict;
}

describe('dynamic authorizer', () => {
  let router: Router;
  let logs: Record<string, unknown>[];
  const questions: Question[] = [];
  let decide: AuthorizeFunction;

  async function start(realm: Partial<RealmOptions> = {}, timeout?: number): Promise<void> {
    const authorizer: AuthorizeFunction = (session, action, uri, options) => {
      questions.push({ session, action, uri, options });
      return decide(session, action, uri, options);
    };
    const captured = capturingLogger();
    logs = captured.lines;
    router = await Router.start({
      listeners: [{ type: 'websocket', port: 0 }],
      realms: [
        {
          name: 'realm1',
          authorizer: timeout === undefined ? authorizer : { function: authorizer, timeout },
          ...realm,
        },
      ],
      limits: { shutdownTimeout: 50 },
      logger: captured.logger,
    });
  }

  async function joinRealm(): Promise<ScriptedPeer> {
    const transport = await connectWebSocket(router.listeners[0]!.url, {
      serializers: [serializerByName('json')!],
    });
    return new ScriptedPeer(transport).hello('realm1');
  }

  /** The ERROR a request got: [uri, text]. */
  async function refused(peer: ScriptedPeer, message: unknown[]): Promise<[unknown, unknown]> {
    peer.send(message);
    const error = await peer.expect(M.ERROR);
    expect(error.slice(0, 3)).toEqual([M.ERROR, message[0], message[1]]);
    return [error[4], (error[5] as unknown[])[0]];
  }

  beforeEach(() => {
    questions.length = 0;
  });

  afterEach(async () => {
    await router.stop();
  });

  it('is asked with the session, the action, the URI and the options, and allows or denies', async () => {
    decide = (_s, _a, uri) => !uri.startsWith('app.secret');
    await start();
    const callee = await joinRealm();
    await callee.register('app.open');
    await callee.register('app.', { match: 'prefix' });
    const caller = await joinRealm();
    const call = caller.call('app.open', [1]);
    const invocation = await callee.expect(M.INVOCATION);
    callee.send([M.YIELD, invocation[1], {}, ['ok']]);
    expect((await caller.expect(M.RESULT))[1]).toBe(call);
    expect(await refused(caller, [M.CALL, caller.request(), {}, 'app.secret.key'])).toEqual([
      'wamp.error.not_authorized',
      'the authorizer denied call on "app.secret.key"',
    ]);
    expect(await refused(caller, [M.SUBSCRIBE, caller.request(), { match: 'prefix' }, 'app.secret'])).toEqual(
      ['wamp.error.not_authorized', 'the authorizer denied subscribe on "app.secret"'],
    );
    expect(questions.map((q) => [q.action, q.uri, q.options])).toEqual([
      ['register', 'app.open', {}],
      ['register', 'app.', { match: 'prefix' }],
      ['call', 'app.open', {}],
      ['call', 'app.secret.key', {}],
      ['subscribe', 'app.secret', { match: 'prefix' }],
    ]);
    expect(questions[2]!.session).toMatchObject({
      session: caller.sessionId,
      authid: caller.welcome.authid,
      authrole: 'anonymous',
      authmethod: 'anonymous',
      transport: { type: 'websocket' },
    });
  });

  it('caches a verdict per session, action, URI and match, unless told not to', async () => {
    decide = (_s, action) => (action === 'publish' ? { allow: true, cache: false } : true);
    await start();
    const peer = await joinRealm();
    for (let i = 0; i < 3; i++) await peer.subscribe('news');
    await peer.subscribe('news', { match: 'prefix' });
    for (let i = 0; i < 3; i++) {
      peer.send([M.PUBLISH, peer.request(), { acknowledge: true }, 'news']);
      await peer.expect(M.PUBLISHED);
    }
    expect(questions.map((q) => `${q.action} ${q.uri} ${String(q.options.match)}`)).toEqual([
      'subscribe news undefined',
      'subscribe news prefix',
      'publish news undefined',
      'publish news undefined',
      'publish news undefined',
    ]);
    // Another session asks again.
    const other = await joinRealm();
    await other.subscribe('news');
    expect(questions).toHaveLength(6);
  });

  it('denies when it throws, times out or answers garbage: ERROR and one log line each', async () => {
    decide = (_s, _a, uri) => {
      if (uri === 'throws') throw new Error('policy store down');
      if (uri === 'slow') return new Promise(() => undefined);
      if (uri === 'garbage') return 'yes' as never;
      return { allow: 'sure' } as never;
    };
    await start({}, 100);
    const peer = await joinRealm();
    expect(await refused(peer, [M.CALL, peer.request(), {}, 'throws'])).toEqual([
      'wamp.error.not_authorized',
      'the authorizer failed for call on "throws"',
    ]);
    expect(await refused(peer, [M.CALL, peer.request(), {}, 'slow'])).toEqual([
      'wamp.error.not_authorized',
      'the authorizer did not answer within 100 ms',
    ]);
    for (const uri of ['garbage', 'bad.object']) {
      expect(await refused(peer, [M.REGISTER, peer.request(), {}, uri])).toEqual([
        'wamp.error.not_authorized',
        `the authorizer gave an invalid answer for register on "${uri}"`,
      ]);
    }
    expect(linesWith(logs, 'policy store down')).toHaveLength(1);
    expect(linesWith(logs, 'timed out')).toHaveLength(1);
    expect(linesWith(logs, 'answered garbage')).toHaveLength(2);
    // A failure is not cached: the next call asks again.
    await refused(peer, [M.CALL, peer.request(), {}, 'throws']);
    expect(questions.filter((q) => q.uri === 'throws')).toHaveLength(2);
  });

  it("keeps a session's messages in order while it waits", async () => {
    let slowRegister = true;
    decide = async (_s, action) => {
      if (action === 'register' && slowRegister) await new Promise((resolve) => setTimeout(resolve, 100));
      return true;
    };
    await start();
    const peer = await joinRealm();
    // The call's verdict is cached first; then REGISTER waits, and the CALL behind it too.
    await refused(peer, [M.CALL, peer.request(), {}, 'svc.echo']);
    const register = peer.request();
    peer.send([M.REGISTER, register, {}, 'svc.echo']);
    const call = peer.call('svc.echo');
    expect((await peer.expect(M.REGISTERED))[1]).toBe(register);
    const invocation = await peer.expect(M.INVOCATION);
    peer.send([M.YIELD, invocation[1], {}, ['echo']]);
    expect((await peer.expect(M.RESULT))[1]).toBe(call);
    slowRegister = false;
  });

  it('drops what a session had waiting when it leaves, even if its transport joins again', async () => {
    let release!: (allow: boolean) => void;
    decide = (_s, action) => (action === 'call' ? new Promise((resolve) => (release = resolve)) : true);
    await start();
    const callee = ScriptedPeer.attachTrusted(router);
    await callee.hello('realm1');
    await callee.register('svc.x');
    const peer = await joinRealm();
    peer.send([M.CALL, peer.request(), {}, 'svc.x']);
    await until(() => questions.some((q) => q.action === 'call'));
    peer.send([M.GOODBYE, {}, 'wamp.close.normal']);
    await peer.expect(M.GOODBYE);
    await peer.hello('realm1');
    release(true);
    // The router handled the answer before this round trip: the old CALL went nowhere.
    await callee.sync();
    await peer.sync();
    expect(callee.inbox.filter((m) => m[0] === M.INVOCATION)).toHaveLength(0);
    expect(peer.inbox.filter((m) => m[0] === M.RESULT || m[0] === M.ERROR)).toHaveLength(0);
  });

  it("comes on top of the roles' static rules: both must allow", async () => {
    decide = () => true;
    await start({
      roles: [{ name: 'anonymous', permissions: [{ uri: 'app.', match: 'prefix', allow: { call: true } }] }],
    });
    const peer = await joinRealm();
    expect((await refused(peer, [M.CALL, peer.request(), {}, 'other.thing']))[0]).toBe(
      'wamp.error.not_authorized',
    );
    expect((await refused(peer, [M.CALL, peer.request(), {}, 'app.thing']))[0]).toBe(
      'wamp.error.no_such_procedure',
    );
  });

  it('is not asked about trusted in-process peers', async () => {
    decide = () => false;
    await start();
    const trusted = ScriptedPeer.attachTrusted(router);
    await trusted.hello('realm1');
    await trusted.register('svc.hello');
    expect(questions).toHaveLength(0);
  });

  it('can be named by module and export', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wservice-authz-'));
    const file = join(dir, 'authz.cjs');
    writeFileSync(file, `exports.authorize = (session, action, uri) => uri !== 'app.admin';\n`);
    router = await Router.start({
      listeners: [{ type: 'websocket', port: 0 }],
      realms: [{ name: 'realm1', authorizer: { module: file, export: 'authorize' } }],
      limits: { shutdownTimeout: 50 },
    });
    const peer = await joinRealm();
    expect((await refused(peer, [M.CALL, peer.request(), {}, 'app.admin']))[0]).toBe(
      'wamp.error.not_authorized',
    );
    expect((await refused(peer, [M.CALL, peer.request(), {}, 'app.user']))[0]).toBe(
      'wamp.error.no_such_procedure',
    );
  });
});
