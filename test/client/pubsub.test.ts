import { FeatureNotSupportedError, SessionClosedError } from '../../src/client/errors';
import type { Session } from '../../src/client/session';
import { Subscription } from '../../src/client/subscription';
import type { ClientPublishOptions, EventHandler, EventInfo } from '../../src/client/types';
import { ErrorUri, RemoteError } from '../../src/protocol/errors';
import { MessageType } from '../../src/protocol/messages';
import {
  ALL_FEATURES,
  BASIC,
  ScriptedRouter,
  flush,
  joinSession,
  recordingLogger,
  roles,
} from './scripted-router';

async function subscribed(
  session: Session,
  router: ScriptedRouter,
  topic: string,
  handler: EventHandler,
  id = 200,
) {
  const subscribing = session.subscribe(topic, handler);
  const sent = await router.next(MessageType.SUBSCRIBE);
  router.send({ type: MessageType.SUBSCRIBED, request: sent.request, subscription: id });
  return subscribing;
}

describe('Publisher', () => {
  it('sends PUBLISH and resolves once sent when not acknowledged', async () => {
    const { session, router } = await joinSession(BASIC);
    await expect(session.publish('news.new', ['hello'], { lang: 'en' })).resolves.toBeUndefined();
    expect(await router.next(MessageType.PUBLISH)).toEqual({
      type: MessageType.PUBLISH,
      request: 1,
      options: {},
      topic: 'news.new',
      args: ['hello'],
      kwargs: { lang: 'en' },
    });
    await session.leave();
  });

  it('waits for PUBLISHED when acknowledged', async () => {
    const { session, router } = await joinSession(BASIC);
    const publishing = session.publish('news.new', [], {}, { acknowledge: true });
    const sent = await router.next(MessageType.PUBLISH);
    expect(sent.options).toEqual({ acknowledge: true });
    router.send({ type: MessageType.PUBLISHED, request: sent.request, publication: 555 });
    await expect(publishing).resolves.toEqual({ id: 555, topic: 'news.new' });
    await session.leave();
  });

  it('rejects an acknowledged publication the broker refuses', async () => {
    const { session, router } = await joinSession(BASIC);
    const publishing = session.publish('wamp.reserved', [], {}, { acknowledge: true });
    const sent = await router.next(MessageType.PUBLISH);
    router.sendError(MessageType.PUBLISH, sent.request, ErrorUri.NOT_AUTHORIZED, ['no']);
    const error = await publishing.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ uri: ErrorUri.NOT_AUTHORIZED, args: ['no'] });
    await session.leave();
  });

  const lists: [ClientPublishOptions, Record<string, unknown>][] = [
    [{ exclude: [1, 2] }, { exclude: [1, 2] }],
    [{ eligible: [3] }, { eligible: [3] }],
    [{ excludeAuthid: ['bob'] }, { exclude_authid: ['bob'] }],
    [{ eligibleAuthid: ['ada'] }, { eligible_authid: ['ada'] }],
    [{ excludeAuthrole: ['guest'] }, { exclude_authrole: ['guest'] }],
    [{ eligibleAuthrole: ['admin'] }, { eligible_authrole: ['admin'] }],
  ];

  it.each(lists)('%o needs subscriber_blackwhite_listing', async (options, wire) => {
    const without = await joinSession(BASIC);
    const error = await without.session.publish('t', [], {}, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeatureNotSupportedError);
    expect(error).toMatchObject({ role: 'broker', feature: 'subscriber_blackwhite_listing' });
    expect(without.router.all(MessageType.PUBLISH)).toHaveLength(0);
    await without.session.leave();

    const withIt = await joinSession(roles([], ['subscriber_blackwhite_listing']));
    await withIt.session.publish('t', [], {}, options);
    expect((await withIt.router.next(MessageType.PUBLISH)).options).toEqual(wire);
    await withIt.session.leave();
  });

  it('sends exclude_me: false only to a broker with publisher_exclusion', async () => {
    const without = await joinSession(BASIC);
    await expect(without.session.publish('t', [], {}, { excludeMe: false })).rejects.toMatchObject({
      feature: 'publisher_exclusion',
    });
    // true is the default: nothing to send, nothing to require.
    await without.session.publish('t', [], {}, { excludeMe: true });
    expect((await without.router.next(MessageType.PUBLISH)).options).toEqual({});
    await without.session.leave();

    const withIt = await joinSession(roles([], ['publisher_exclusion']));
    await withIt.session.publish('t', [], {}, { excludeMe: false });
    expect((await withIt.router.next(MessageType.PUBLISH)).options).toEqual({ exclude_me: false });
    await withIt.session.leave();
  });

  it('sends disclose_me only to a broker with publisher_identification', async () => {
    const withIt = await joinSession(ALL_FEATURES);
    await withIt.session.publish('t', [], {}, { discloseMe: true });
    expect((await withIt.router.next(MessageType.PUBLISH)).options).toEqual({ disclose_me: true });
    await withIt.session.leave();
    const without = await joinSession(BASIC);
    await without.session.publish('t', [], {}, { discloseMe: true });
    expect((await without.router.next(MessageType.PUBLISH)).options).toEqual({});
    await without.session.leave();
  });
});

describe('Subscriber', () => {
  it('sends SUBSCRIBE and delivers EVENTs with their details', async () => {
    const { session, router } = await joinSession(ALL_FEATURES);
    const events: [unknown[], object, EventInfo][] = [];
    const subscribing = session.subscribe(
      'com.app',
      (args, kwargs, event) => void events.push([args, kwargs, event]),
      {
        match: 'prefix',
      },
    );
    const sent = await router.next(MessageType.SUBSCRIBE);
    expect(sent).toEqual({
      type: MessageType.SUBSCRIBE,
      request: 1,
      options: { match: 'prefix' },
      topic: 'com.app',
    });
    router.send({ type: MessageType.SUBSCRIBED, request: sent.request, subscription: 200 });
    const subscription = await subscribing;
    expect(subscription).toBeInstanceOf(Subscription);
    expect(subscription).toMatchObject({ id: 200, active: true, topic: 'com.app' });

    router.send({
      type: MessageType.EVENT,
      subscription: 200,
      publication: 9,
      details: {
        topic: 'com.app.created',
        publisher: 77,
        publisher_authid: 'ada',
        publisher_authrole: 'user',
      },
      args: [1],
      kwargs: { a: 2 },
    });
    router.sendWire([MessageType.EVENT, 200, 10, {}, null, null]);
    await flush();
    expect(events).toHaveLength(2);
    expect(events[0][0]).toEqual([1]);
    expect(events[0][1]).toEqual({ a: 2 });
    expect(events[0][2]).toMatchObject({
      topic: 'com.app.created',
      publication: 9,
      publisher: 77,
      publisherAuthid: 'ada',
      publisherAuthrole: 'user',
      subscription,
    });
    expect(events[1][0]).toEqual([]);
    expect(events[1][1]).toEqual({});
    expect(events[1][2].topic).toBe('com.app');
    await session.leave();
  });

  it.each(['prefix', 'wildcard'] as const)('match %s needs pattern_based_subscription', async (match) => {
    const { session, router } = await joinSession(BASIC);
    const error = await session.subscribe('com..x', () => undefined, { match }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeatureNotSupportedError);
    expect(error).toMatchObject({ role: 'broker', feature: 'pattern_based_subscription' });
    expect(router.all(MessageType.SUBSCRIBE)).toHaveLength(0);
    await session.leave();
  });

  it('rejects a SUBSCRIBE the broker refuses', async () => {
    const { session, router } = await joinSession(BASIC);
    const subscribing = session.subscribe('bad topic', () => undefined);
    const sent = await router.next(MessageType.SUBSCRIBE);
    router.sendError(MessageType.SUBSCRIBE, sent.request, ErrorUri.INVALID_URI);
    await expect(subscribing).rejects.toMatchObject({ uri: ErrorUri.INVALID_URI });
    await session.leave();
  });

  it('shares one broker subscription among handlers and UNSUBSCRIBEs with the last', async () => {
    const { session, router } = await joinSession(BASIC);
    const seen: string[] = [];
    const first = await subscribed(session, router, 't', () => void seen.push('first'));
    const second = await subscribed(session, router, 't', () => void seen.push('second'));
    expect(first.id).toBe(second.id);

    await first.unsubscribe();
    expect(first.active).toBe(false);
    expect(router.all(MessageType.UNSUBSCRIBE)).toHaveLength(0);
    router.send({ type: MessageType.EVENT, subscription: 200, publication: 1, details: {} });
    await flush();
    expect(seen).toEqual(['second']);

    const unsubscribing = second.unsubscribe();
    const sent = await router.next(MessageType.UNSUBSCRIBE);
    expect(sent.subscription).toBe(200);
    // An EVENT already on its way is dropped, not a violation.
    router.send({ type: MessageType.EVENT, subscription: 200, publication: 2, details: {} });
    router.send({ type: MessageType.UNSUBSCRIBED, request: sent.request });
    await unsubscribing;
    expect(seen).toEqual(['second']);
    expect(session.isOpen).toBe(true);
    await second.unsubscribe();
    expect(router.all(MessageType.UNSUBSCRIBE)).toHaveLength(1);
    await session.leave();
  });

  it('delivers each EVENT once to a lone handler, also one that unsubscribes itself on it', async () => {
    const { session, router } = await joinSession(BASIC);
    const seen: number[] = [];
    const lone = await subscribed(session, router, 't', (_args, _kwargs, info) => {
      seen.push(info.publication);
      if (info.publication === 2) void lone.unsubscribe();
    });
    for (const publication of [1, 2]) {
      router.send({ type: MessageType.EVENT, subscription: 200, publication, details: {} });
    }
    const sent = await router.next(MessageType.UNSUBSCRIBE);
    router.send({ type: MessageType.EVENT, subscription: 200, publication: 3, details: {} });
    router.send({ type: MessageType.UNSUBSCRIBED, request: sent.request });
    await flush();
    expect(seen).toEqual([1, 2]);
    expect(session.isOpen).toBe(true);
    await session.leave();
  });

  it('resolves an UNSUBSCRIBE in flight when the session closes (the broker dropped the subscription with it)', async () => {
    const { session, router } = await joinSession(BASIC);
    const subscription = await subscribed(session, router, 't', () => undefined);
    const subscribing = session.subscribe('u', () => undefined);
    const unsubscribing = session.unsubscribe(subscription);
    await router.next(MessageType.UNSUBSCRIBE);
    router.send({ type: MessageType.GOODBYE, details: {}, reason: 'wamp.close.system_shutdown' });
    await expect(unsubscribing).resolves.toBeUndefined();
    await expect(subscribing).rejects.toBeInstanceOf(SessionClosedError);
    expect(subscription.active).toBe(false);
  });

  it('rejects an UNSUBSCRIBE the broker refuses', async () => {
    const { session, router } = await joinSession(BASIC);
    const subscription = await subscribed(session, router, 't', () => undefined);
    const unsubscribing = session.unsubscribe(subscription);
    const sent = await router.next(MessageType.UNSUBSCRIBE);
    router.sendError(MessageType.UNSUBSCRIBE, sent.request, ErrorUri.NO_SUCH_SUBSCRIPTION);
    await expect(unsubscribing).rejects.toMatchObject({ uri: ErrorUri.NO_SUCH_SUBSCRIPTION });
    await session.leave();
  });

  it('logs a throwing or rejecting handler once per event and goes on', async () => {
    const { logger, lines } = recordingLogger();
    const { session, router } = await joinSession(BASIC, { logger });
    const seen: number[] = [];
    await subscribed(session, router, 't', (args) => {
      seen.push(args[0] as number);
      throw new Error('sync bug');
    });
    await subscribed(
      session,
      router,
      'u',
      async () => {
        throw new Error('async bug');
      },
      201,
    );
    router.send({ type: MessageType.EVENT, subscription: 200, publication: 1, details: {}, args: [1] });
    router.send({ type: MessageType.EVENT, subscription: 201, publication: 2, details: {} });
    router.send({ type: MessageType.EVENT, subscription: 200, publication: 3, details: {}, args: [2] });
    await flush();
    expect(seen).toEqual([1, 2]);
    const failures = lines.filter((l) => l.msg.startsWith('event handler failed'));
    expect(failures.map((l) => (l.err as { message: string }).message)).toEqual([
      'sync bug',
      'sync bug',
      'async bug',
    ]);
    expect(session.isOpen).toBe(true);
    await session.leave();
  });

  it('drops a subscription the broker revokes', async () => {
    const { session, router } = await joinSession(BASIC);
    const subscription = await subscribed(session, router, 't', () => undefined);
    router.send({
      type: MessageType.UNSUBSCRIBED,
      request: 0,
      details: { subscription: 200, reason: 'wamp.error.x' },
    });
    await flush();
    expect(subscription.active).toBe(false);
    router.sendWire([MessageType.UNSUBSCRIBED, 0, { subscription: 200 }]);
    expect((await router.next(MessageType.ABORT)).details.message).toMatch(/revokes subscription 200/);
  });
});
