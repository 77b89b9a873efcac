import { Session } from '../../src/client/session';
import { ClientErrorUri, SessionClosedError } from '../../src/client/errors';
import { CLIENT_ROLES } from '../../src/client/features';
import { ErrorUri } from '../../src/protocol/errors';
import { MessageType, type Message } from '../../src/protocol/messages';
import { createInProcessPair } from '../../src/transport/inprocess';
import {
  ALL_FEATURES,
  BASIC,
  ScriptedRouter,
  flush,
  joinSession,
  recordingLogger,
  serialized,
} from './scripted-router';

function pair() {
  const [clientEnd, routerEnd] = createInProcessPair();
  const router = new ScriptedRouter(serialized(routerEnd));
  return { clientEnd: serialized(clientEnd), router };
}

async function expectClosed(promise: Promise<unknown>, uri: string): Promise<SessionClosedError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(SessionClosedError);
  expect((error as SessionClosedError).uri).toBe(uri);
  return error as SessionClosedError;
}

describe('Session: joining', () => {
  it('sends HELLO with the client roles and features, and resolves on WELCOME', async () => {
    const { clientEnd, router } = pair();
    const session = new Session(clientEnd, { realm: 'realm1' });
    expect(session.state).toBe('new');
    const joined = session.join();
    expect(session.state).toBe('joining');
    const hello = await router.welcome(ALL_FEATURES, 99, { authid: 'anon-1', authrole: 'anonymous' });
    await expect(joined).resolves.toBe(session);

    expect(hello.realm).toBe('realm1');
    expect(hello.details.roles).toEqual(CLIENT_ROLES);
    expect(hello.details.authmethods).toEqual(['anonymous']);
    expect(hello.details.agent).toBe('wservice');
    expect(session.id).toBe(99);
    expect(session.state).toBe('established');
    expect(session.isOpen).toBe(true);
    expect(session.details?.authid).toBe('anon-1');
    expect(session.features.has('dealer', 'call_canceling')).toBe(true);
    expect(session.features.has('broker', 'nothing_like_this')).toBe(false);
    await session.leave();
  });

  it('announces every advanced feature the client implements', () => {
    expect(CLIENT_ROLES.caller?.features).toEqual({
      progressive_call_results: true,
      call_timeout: true,
      call_canceling: true,
      caller_identification: true,
    });
    expect(Object.keys(CLIENT_ROLES.callee?.features ?? {})).toEqual(
      expect.arrayContaining(['pattern_based_registration', 'shared_registration', 'call_canceling']),
    );
    expect(Object.keys(CLIENT_ROLES.publisher?.features ?? {})).toEqual(
      expect.arrayContaining(['publisher_exclusion', 'subscriber_blackwhite_listing']),
    );
    expect(Object.keys(CLIENT_ROLES.subscriber?.features ?? {})).toEqual(
      expect.arrayContaining(['pattern_based_subscription', 'publisher_identification']),
    );
  });

  it('rejects the join with the ABORT reason and message', async () => {
    const { clientEnd, router } = pair();
    const session = new Session(clientEnd, { realm: 'nope' });
    const joined = session.join();
    await router.next(MessageType.HELLO);
    router.send({
      type: MessageType.ABORT,
      details: { message: 'no realm nope' },
      reason: ErrorUri.NO_SUCH_REALM,
    });
    const error = await expectClosed(joined, ErrorUri.NO_SUCH_REALM);
    expect(error.message).toContain('no realm nope');
    expect(session.state).toBe('closed');
    const info = await session.closed;
    expect(info).toMatchObject({ reason: ErrorUri.NO_SUCH_REALM, by: 'router' });
    await router.closed;
  });

  it('gives up when no WELCOME comes within joinTimeout', async () => {
    const { clientEnd, router } = pair();
    const joined = new Session(clientEnd, { realm: 'realm1', joinTimeout: 20 }).join();
    await expectClosed(joined, ClientErrorUri.JOIN_TIMEOUT);
    await router.closed;
  });

  it('fails the join when the transport closes first', async () => {
    const { clientEnd, router } = pair();
    const joined = new Session(clientEnd, { realm: 'realm1' }).join();
    await router.next(MessageType.HELLO);
    router.transport.close(1006, 'gone');
    await expectClosed(joined, ClientErrorUri.CONNECTION_LOST);
  });

  it('refuses a second join and a join after the end', async () => {
    const { session } = await joinSession();
    await expect(session.join()).rejects.toThrow(/established/);
    await session.leave();
    await expectClosed(session.join(), ErrorUri.CLOSE_NORMAL);
  });
});

describe('Session: leaving', () => {
  it('sends GOODBYE and resolves on the reply, failing calls still pending', async () => {
    const { session, router } = await joinSession();
    router.autoGoodbye = false;
    const call = session.call('slow.thing');
    await router.next(MessageType.CALL);
    const left = session.leave(ErrorUri.SYSTEM_SHUTDOWN, 'bye now');
    expect(session.state).toBe('leaving');
    const goodbye = await router.next(MessageType.GOODBYE);
    expect(goodbye).toMatchObject({ reason: ErrorUri.SYSTEM_SHUTDOWN, details: { message: 'bye now' } });
    router.send({ type: MessageType.GOODBYE, details: {}, reason: ErrorUri.GOODBYE_AND_OUT });
    await left;
    expect(session.state).toBe('closed');
    await expectClosed(call, ErrorUri.SYSTEM_SHUTDOWN);
    await router.closed;
    expect(await session.closed).toMatchObject({ reason: ErrorUri.SYSTEM_SHUTDOWN, by: 'client' });
  });

  it("accepts autobahn's wamp.error.goodbye_and_out as the reply", async () => {
    const { session, router } = await joinSession();
    router.autoGoodbye = false;
    const left = session.leave();
    await router.next(MessageType.GOODBYE);
    router.send({ type: MessageType.GOODBYE, details: {}, reason: 'wamp.error.goodbye_and_out' });
    await left;
    expect(session.state).toBe('closed');
    expect(router.all(MessageType.ABORT)).toHaveLength(0);
  });

  it('closes after leaveTimeout when the router does not answer', async () => {
    const { session, router } = await joinSession(ALL_FEATURES, { leaveTimeout: 20 });
    router.autoGoodbye = false;
    await session.leave();
    expect(session.state).toBe('closed');
    await router.closed;
  });

  it('treats a transport closed right after our GOODBYE as a normal leave', async () => {
    const { session, router } = await joinSession();
    router.autoGoodbye = false;
    const left = session.leave();
    await router.next(MessageType.GOODBYE);
    router.transport.close();
    await left;
    expect((await session.closed).reason).toBe(ErrorUri.CLOSE_NORMAL);
  });

  it('is idempotent', async () => {
    const { session, router } = await joinSession();
    router.autoGoodbye = false;
    const first = session.leave();
    const second = session.leave();
    await router.next(MessageType.GOODBYE);
    router.send({ type: MessageType.GOODBYE, details: {}, reason: ErrorUri.GOODBYE_AND_OUT });
    await Promise.all([first, second]);
    await session.leave();
    expect(router.all(MessageType.GOODBYE)).toHaveLength(1);
  });

  it('answers a GOODBYE from the router with wamp.close.goodbye_and_out', async () => {
    const { session, router } = await joinSession();
    const call = session.call('a.b');
    router.send({
      type: MessageType.GOODBYE,
      details: { message: 'maintenance' },
      reason: ErrorUri.SYSTEM_SHUTDOWN,
    });
    const reply = await router.next(MessageType.GOODBYE);
    expect(reply).toEqual({ type: MessageType.GOODBYE, details: {}, reason: ErrorUri.GOODBYE_AND_OUT });
    const error = await expectClosed(call, ErrorUri.SYSTEM_SHUTDOWN);
    expect(error.message).toContain('maintenance');
    expect(await session.closed).toMatchObject({ by: 'router', reason: ErrorUri.SYSTEM_SHUTDOWN });
    await router.closed;
  });

  it('fails everything pending when the router sends ABORT', async () => {
    const { session, router } = await joinSession();
    const call = session.call('a.b');
    const registration = session.register('a.c', () => 1);
    router.send({ type: MessageType.ABORT, details: {}, reason: ErrorUri.KILLED });
    await expectClosed(call, ErrorUri.KILLED);
    await expectClosed(registration, ErrorUri.KILLED);
    await expectClosed(session.call('after.the.end'), ErrorUri.KILLED);
  });

  it('fails everything pending with connection_lost when the transport drops', async () => {
    const { session, router } = await joinSession();
    const call = session.call('a.b');
    const published = session.publish('t', [], {}, { acknowledge: true });
    router.transport.close(1006, 'network');
    const error = await expectClosed(call, ClientErrorUri.CONNECTION_LOST);
    expect(error.message).toContain('1006');
    await expectClosed(published, ClientErrorUri.CONNECTION_LOST);
    expect(await session.closed).toMatchObject({ by: 'transport' });
  });

  it('refuses requests before join', async () => {
    const { clientEnd } = pair();
    const session = new Session(clientEnd, { realm: 'realm1' });
    await expectClosed(session.call('x'), ClientErrorUri.NOT_CONNECTED);
    await expectClosed(session.publish('x'), ClientErrorUri.NOT_CONNECTED);
    await session.leave();
  });
});

describe('Session: protocol violations by the router', () => {
  const violations: [string, (router: ScriptedRouter) => void, RegExp][] = [
    [
      'RESULT for an unknown request',
      (r) => r.sendWire([MessageType.RESULT, 777, {}]),
      /RESULT for request id 777/,
    ],
    [
      'ERROR for an unknown call',
      (r) => r.sendWire([MessageType.ERROR, MessageType.CALL, 778, {}, 'x.y']),
      /ERROR for request id 778/,
    ],
    ['REGISTERED for an unknown request', (r) => r.sendWire([MessageType.REGISTERED, 55, 1]), /REGISTERED/],
    ['SUBSCRIBED for an unknown request', (r) => r.sendWire([MessageType.SUBSCRIBED, 55, 1]), /SUBSCRIBED/],
    ['PUBLISHED for an unknown request', (r) => r.sendWire([MessageType.PUBLISHED, 55, 1]), /PUBLISHED/],
    [
      'UNREGISTERED for an unknown request',
      (r) => r.sendWire([MessageType.UNREGISTERED, 55]),
      /UNREGISTERED/,
    ],
    [
      'UNSUBSCRIBED for an unknown request',
      (r) => r.sendWire([MessageType.UNSUBSCRIBED, 55]),
      /UNSUBSCRIBED/,
    ],
    [
      'an INVOCATION of an unknown registration',
      (r) => r.sendWire([MessageType.INVOCATION, 1, 404, {}]),
      /registration id 404/,
    ],
    [
      'an EVENT of an unknown subscription',
      (r) => r.sendWire([MessageType.EVENT, 405, 1, {}]),
      /subscription id 405/,
    ],
    [
      'a second WELCOME',
      (r) => r.sendWire([MessageType.WELCOME, 5, { roles: {} }]),
      /WELCOME is not allowed/,
    ],
    ['a router-bound message', (r) => r.sendWire([MessageType.CALL, 1, {}, 'a.b']), /CALL is not allowed/],
    ['a message of the wrong shape', (r) => r.sendWire([MessageType.RESULT, 'one', {}]), /invalid RESULT/],
    ['an unknown message code', (r) => r.sendWire([99, 1]), /unknown message type 99/],
    ['something that is not a message', (r) => r.sendWire([]), /non-empty array/],
    [
      'an ERROR for an INVOCATION',
      (r) => r.sendWire([MessageType.ERROR, MessageType.INVOCATION, 1, {}, 'x.y']),
      /ERROR for INVOCATION/,
    ],
    [
      'a revocation of an unknown registration',
      (r) => r.sendWire([MessageType.UNREGISTERED, 0, { registration: 9 }]),
      /revokes registration 9/,
    ],
  ];

  it.each(violations)('%s: ABORT protocol_violation, close, fail pending', async (_name, send, text) => {
    const { session, router } = await joinSession();
    const call = session.call('pending.call');
    await router.next(MessageType.CALL);
    send(router);
    const abort = await router.next(MessageType.ABORT);
    expect(abort.reason).toBe(ErrorUri.PROTOCOL_VIOLATION);
    expect(String(abort.details.message)).toMatch(text);
    const error = await expectClosed(call, ErrorUri.PROTOCOL_VIOLATION);
    expect(error.message).toMatch(text);
    await router.closed;
    expect(session.state).toBe('closed');
  });

  it('treats an established-only message during the join as a violation', async () => {
    const { clientEnd, router } = pair();
    const joined = new Session(clientEnd, { realm: 'realm1' }).join();
    await router.next(MessageType.HELLO);
    router.sendWire([MessageType.EVENT, 1, 1, {}]);
    await expectClosed(joined, ErrorUri.PROTOCOL_VIOLATION);
    expect((await router.next(MessageType.ABORT)).details.message).toMatch(
      /EVENT is not allowed while the session is joining/,
    );
  });

  it('reads null Arguments / ArgumentsKw as absent (lenient reader)', async () => {
    const { session, router } = await joinSession(BASIC);
    const call = session.call('a.b');
    const sent = await router.next(MessageType.CALL);
    router.sendWire([MessageType.RESULT, sent.request, {}, null, null]);
    const result = await call;
    expect(result.args).toEqual([]);
    expect(result.kwargs).toEqual({});
    await session.leave();
  });
});

describe('Session: message hooks', () => {
  it('shows every inbound and outbound message until removed', async () => {
    const { clientEnd, router } = pair();
    const session = new Session(clientEnd, { realm: 'realm1' });
    const inbound: Message[] = [];
    const outbound: Message[] = [];
    const stopIn = session.hooks.onInbound((m) => {
      inbound.push(m);
    });
    const stopOut = session.hooks.onOutbound((m) => {
      outbound.push(m);
    });
    expect(session.hooks.hasInbound && session.hooks.hasOutbound).toBe(true);
    const joined = session.join();
    await router.welcome();
    await joined;
    const call = session.call('a.b', [1]);
    const sent = await router.next(MessageType.CALL);
    router.send({ type: MessageType.RESULT, request: sent.request, details: {}, args: [2] });
    await call;

    expect(outbound.map((m) => m.type)).toEqual([MessageType.HELLO, MessageType.CALL]);
    expect(inbound.map((m) => m.type)).toEqual([MessageType.WELCOME, MessageType.RESULT]);
    expect(inbound[1]).toMatchObject({ args: [2] });

    stopIn();
    stopOut();
    expect(session.hooks.hasInbound || session.hooks.hasOutbound).toBe(false);
    await session.publish('t');
    await router.next(MessageType.PUBLISH);
    expect(outbound).toHaveLength(2);
    await session.leave(undefined, undefined);
  });

  it('logs a throwing hook and goes on', async () => {
    const { logger, lines } = recordingLogger();
    const { session, router } = await joinSession(ALL_FEATURES, { logger });
    const seen: number[] = [];
    session.hooks.onOutbound(() => {
      throw new Error('hook bug');
    });
    session.hooks.onOutbound((m) => {
      seen.push(m.type);
    });
    await session.publish('t');
    await router.next(MessageType.PUBLISH);
    expect(seen).toEqual([MessageType.PUBLISH]);
    expect(lines.filter((l) => l.msg.includes('hook threw'))).toHaveLength(1);
    expect(session.isOpen).toBe(true);
    await session.leave();
  });

  it('lets a hook remove itself while running', async () => {
    const { session, router } = await joinSession();
    let calls = 0;
    const stop = session.hooks.onInbound(() => {
      calls += 1;
      stop();
    });
    const call = session.call('a');
    const sent = await router.next(MessageType.CALL);
    router.send({ type: MessageType.RESULT, request: sent.request, details: {} });
    router.send({ type: MessageType.GOODBYE, details: {}, reason: ErrorUri.CLOSE_NORMAL });
    await call;
    await flush();
    expect(calls).toBe(1);
  });
});

describe('Session: request ids', () => {
  it('count up from 1 across roles', async () => {
    const { session, router } = await joinSession();
    const requests = Promise.allSettled([
      session.call('a'),
      session.publish('t', [], {}, { acknowledge: true }),
      session.register('p', () => 1),
      session.subscribe('s', () => undefined),
    ]);
    const ids = [
      (await router.next(MessageType.CALL)).request,
      (await router.next(MessageType.PUBLISH)).request,
      (await router.next(MessageType.REGISTER)).request,
      (await router.next(MessageType.SUBSCRIBE)).request,
    ];
    expect(ids).toEqual([1, 2, 3, 4]);
    router.transport.close();
    expect((await requests).map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
  });
});
