import { connect, type Client } from '../../src/client/connect';
import { SessionClosedError } from '../../src/client/errors';
import { Router, type RouterStartOptions } from '../../src/router';
import { FaultProxy } from '../helpers/fault-proxy';
import { until } from '../helpers/until';

const TICKETS: RouterStartOptions['auth'] = {
  ticket: { principals: { alice: { ticket: 'alice-ticket', role: 'user' } } },
};

// A list of router URLs where a router opens the link and then refuses the join (ABORT): the
// next URL is tried at once, unless the refusal is about the credentials.
describe('failover when a router refuses the join', () => {
  const routers: Router[] = [];
  const clients: Client[] = [];
  const proxies: FaultProxy[] = [];
  const fast = { initialDelay: 20, maxDelay: 50, jitter: 0 };

  async function router(options: RouterStartOptions): Promise<{ router: Router; url: string }> {
    const started = await Router.start({
      listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0 }],
      ...options,
    });
    routers.push(started);
    return { router: started, url: started.listeners[0].url };
  }

  /** A router without realm1: it answers HELLO for realm1 with wamp.error.no_such_realm. */
  const wrongRealm = () => router({ realms: [{ name: 'elsewhere' }] });

  async function proxied(target: Router): Promise<{ proxy: FaultProxy; url: string }> {
    const proxy = await FaultProxy.start(target.listeners[0].port!);
    proxies.push(proxy);
    return { proxy, url: `ws://127.0.0.1:${proxy.port}/ws` };
  }

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(proxies.splice(0).map((p) => p.stop()));
    await Promise.all(routers.splice(0).map((r) => r.stop()));
  });

  it('passes over a router without the realm (no_such_realm) and joins the next', async () => {
    const refusing = await wrongRealm();
    const good = await router({ realms: [{ name: 'realm1' }] });
    const opened: string[] = [];
    const client = await connect({
      url: [refusing.url, good.url],
      onConnect: (t) => opened.push(t.kind),
    });
    clients.push(client);
    expect(client.session?.realm).toBe('realm1');
    expect(opened).toEqual(['websocket', 'websocket']); // both links opened, one session
    expect(good.router.stats.sessions).toBe(1);
    expect(refusing.router.stats.sessions).toBe(0);
  });

  it('passes over a full router (too_many_sessions, "try later") and joins the next', async () => {
    const full = await router({ realms: [{ name: 'realm1' }], limits: { maxSessions: 1 } });
    const good = await router({ realms: [{ name: 'realm1' }] });
    const holder = await connect({ url: full.url });
    clients.push(holder);
    const client = await connect({ url: [full.url, good.url] });
    clients.push(client);
    expect(good.router.stats.sessions).toBe(1);
  });

  it('a wrong ticket is final: the next router is not tried', async () => {
    const first = await router({ realms: [{ name: 'realm1' }], auth: TICKETS });
    const second = await router({ realms: [{ name: 'realm1' }], auth: TICKETS });
    const { proxy, url } = await proxied(second.router);
    const attempt = connect({ url: [first.url, url], authid: 'alice', ticket: 'wrong', reconnect: fast });
    await expect(attempt).rejects.toMatchObject({ uri: 'wamp.error.authentication_failed' });
    expect(proxy.accepted).toBe(0);
    // The right ticket joins the first router, as with one URL.
    const client = await connect({ url: [first.url, url], authid: 'alice', ticket: 'alice-ticket' });
    clients.push(client);
    expect(first.router.stats.sessions).toBe(1);
  });

  it('every router refusing for one reason final for one router: given up, each named', async () => {
    const a = await wrongRealm();
    const b = await wrongRealm();
    let opened = 0;
    const error = (await connect({
      url: [a.url, b.url],
      retryFirstConnect: true,
      reconnect: fast,
      onConnect: () => (opened += 1),
    }).catch((e: unknown) => e)) as SessionClosedError;
    expect(error).toBeInstanceOf(SessionClosedError);
    expect(error.uri).toBe('wamp.error.no_such_realm');
    expect(error.message).toContain(`${error.uri}: every router refused the join: `);
    for (const u of [a.url, b.url]) expect(error.message).toContain(`${u}: refused the join: `);
    expect(opened).toBe(2); // no retry: a second round would open them again
  });

  it('a refusal and an unreachable router: the error names both, and the list is retried', async () => {
    const refusing = await wrongRealm();
    const good = await router({ realms: [{ name: 'realm1' }] });
    const { proxy, url } = await proxied(good.router);
    proxy.refuse();
    const error = (await connect({ url: [refusing.url, url], connectTimeout: 2000 }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.name).toBe('TransportError');
    expect(error.message).toMatch(/^no router joined: /);
    expect(error.message).toContain(`${refusing.url}: refused the join: wamp.error.no_such_realm`);
    expect(error.message).toContain(`${url}: `);

    // Waiting for the routers (retryFirstConnect): joined once the reachable one comes back.
    const waiting = connect({ url: [refusing.url, url], retryFirstConnect: true, reconnect: fast });
    await new Promise((resolve) => setTimeout(resolve, 150)); // a few rounds of the list
    proxy.accept();
    const client = await waiting;
    clients.push(client);
    expect(good.router.stats.sessions).toBe(1);
  });

  it('after a reconnect, fails over past a refusing router to the one that comes back', async () => {
    const refusing = await wrongRealm();
    const good = await router({ realms: [{ name: 'realm1' }] });
    const { proxy, url } = await proxied(good.router);
    const joins: number[] = [];
    const client = await connect({
      url: [url, refusing.url],
      reconnect: fast,
      onJoin: (s) => joins.push(s.id),
    });
    clients.push(client);
    proxy.refuse();
    proxy.cut(); // the good router goes away: the list now holds only the refusing one
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(client.session).toBeUndefined();
    proxy.accept();
    await until(() => joins.length === 2, { what: 'the rejoin on the router that came back' });
    expect(client.session?.isOpen).toBe(true);
    expect(refusing.router.stats.sessions).toBe(0);
  });
});
