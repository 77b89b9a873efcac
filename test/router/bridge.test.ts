import { connect, Http, Rpc, Service, WampError, type Client } from '../../src';
import { createLogger } from '../../src/logger';
import { Router } from '../../src/router/router';
import { ServiceRunner } from '../../src/service/runner';
import { join } from 'node:path';
import { readYamlFile } from '../../src/config/yaml';
import { validateRouterOptions, type RouterOptions } from '../../src/router/options';
import { until } from '../helpers/until';

class Negative extends WampError {
  static readonly httpStatus = 422;
  constructor() {
    super('calc.error.negative', ['no negative numbers'], { hint: 'use abs' });
  }
}

@Service('calc')
class CalcService {
  @Rpc()
  add(a: number, b: number): number {
    if (a < 0 || b < 0) throw new Negative();
    return a + b;
  }

  @Rpc()
  crash(): never {
    throw new RangeError('off the scale');
  }

  @Rpc()
  async slow(ms: number): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return 'late';
  }

  @Http('GET', '/calc/double/:n')
  double(n: number): number {
    return n * 2;
  }
}

const logger = createLogger({ level: 'silent' });
const loopback = { type: 'websocket' as const, host: '127.0.0.1', port: 0, path: '/ws' };

/** A system whose router serves the bridge on its WebSocket port; `base` is its http:// origin. */
async function start(embedded: RouterOptions): Promise<{ runner: ServiceRunner; base: string }> {
  const runner = await ServiceRunner.start({ services: [CalcService], embedded, logger, http: false });
  const base = runner.routerUrl!.replace(/^ws/, 'http').replace(/\/ws$/, '');
  return { runner, base };
}

function post(url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const basic = (authid: string, ticket: string) =>
  `Basic ${Buffer.from(`${authid}:${ticket}`).toString('base64')}`;

describe('the HTTP bridge, with ticket authentication and roles', () => {
  let runner: ServiceRunner;
  let base: string;
  let subscriber: Client;
  const alice = { authorization: basic('alice', 's3cret') };

  beforeAll(async () => {
    ({ runner, base } = await start({
      listeners: [{ ...loopback, bridge: { timeout: 200 } }],
      // Anonymous sessions (the in-process services join so) are guests, who may do nothing.
      auth: {
        anonymous: { role: 'guest' },
        ticket: { principals: { alice: { ticket: 's3cret', role: 'user' } } },
      },
      realms: [
        {
          name: 'realm1',
          roles: [
            { name: 'guest', permissions: [] },
            {
              name: 'user',
              permissions: [
                { uri: 'calc.', match: 'prefix', allow: { call: true } },
                { uri: 'news.', match: 'prefix', allow: { publish: true, subscribe: true } },
              ],
            },
          ],
        },
      ],
    }));
    subscriber = await connect({
      url: runner.routerUrl!,
      realm: 'realm1',
      authid: 'alice',
      ticket: 's3cret',
      reconnect: false,
    });
  });
  afterAll(async () => {
    await subscriber?.close();
    await runner?.stop();
  });

  it('calls a procedure with args and kwargs under the caller identity and answers { args, kwargs }', async () => {
    const response = await post(`${base}/call/calc.add`, { args: [1], kwargs: { b: 2 } }, alice);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual({ args: [3], kwargs: {} });
  });

  it('publishes with acknowledgement and answers the publication id', async () => {
    const events: unknown[] = [];
    const subscription = await subscriber.subscribe('news.flash', (args) => {
      events.push(args[0]);
    });
    const response = await post(`${base}/publish/news.flash`, { args: ['extra!'] }, alice);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: expect.any(Number) });
    await until(() => events.length === 1);
    expect(events).toEqual(['extra!']);
    await subscription.unsubscribe();
  });

  it('refuses a wrong ticket with 401, and lets an anonymous request do what its role may: nothing', async () => {
    const anonymous = await post(`${base}/call/calc.add`, { args: [1, 2] });
    expect(anonymous.status).toBe(403);
    expect(await anonymous.json()).toMatchObject({ error: 'wamp.error.not_authorized' });
    const wrong = await post(
      `${base}/call/calc.add`,
      { args: [1, 2] },
      { authorization: basic('alice', 'nope') },
    );
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer, Basic realm="wamp"');
    expect(await wrong.json()).toMatchObject({ error: 'wamp.error.authentication_failed' });
    const scheme = await post(`${base}/call/calc.add`, {}, { authorization: 'Digest x' });
    expect(scheme.status).toBe(401);
  });

  it('applies the realm roles: what the role may not do is 403', async () => {
    const response = await post(`${base}/call/wamp.session.list`, {}, alice);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: 'wamp.error.not_authorized' });
    const publish = await post(`${base}/publish/calc.events`, {}, alice);
    expect(publish.status).toBe(403);
  });

  it('answers the callee error with its status and URI, args, kwargs', async () => {
    const negative = await post(`${base}/call/calc.add`, { args: [-1, 2] }, alice);
    expect(negative.status).toBe(500);
    expect(await negative.json()).toEqual({
      error: 'calc.error.negative',
      args: ['no negative numbers'],
      kwargs: { hint: 'use abs' },
      message: 'no negative numbers',
    });
    const invalid = await post(`${base}/call/calc.add`, { args: ['one', 2] }, alice);
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({
      error: 'wamp.error.invalid_argument',
      message: 'add() a: expected number, got string "one"',
    });
    const crash = await post(`${base}/call/calc.crash`, {}, alice);
    expect(crash.status).toBe(500);
    expect(await crash.json()).toMatchObject({
      error: 'wservice.error.application',
      message: 'off the scale',
    });
    const none = await post(`${base}/call/calc.nothing`, {}, alice);
    expect(none.status).toBe(404);
    expect(await none.json()).toMatchObject({ error: 'wamp.error.no_such_procedure' });
    const late = await post(`${base}/call/calc.slow`, { args: [2000] }, alice);
    expect(late.status).toBe(504);
    expect(await late.json()).toMatchObject({ error: 'wamp.error.timeout' });
  });

  it('refuses bad requests: path, method, URI, body', async () => {
    expect((await fetch(`${base}/call/calc.add`)).status).toBe(405);
    expect((await post(`${base}/somewhere`)).status).toBe(404);
    const uri = await post(`${base}/call/calc..add`, {}, alice);
    expect(uri.status).toBe(400);
    expect(await uri.json()).toMatchObject({ error: 'wamp.error.invalid_uri' });
    const body = await post(`${base}/call/calc.add`, { args: 1 }, alice);
    expect(body.status).toBe(400);
    expect(((await body.json()) as { message: string }).message).toBe(
      'the body must be {"args": [...], "kwargs": {...}} (both optional)',
    );
    const extra = await post(`${base}/call/calc.add`, { arg: [] }, alice);
    expect(((await extra.json()) as { message: string }).message).toBe(
      'the body must be {"args": [...], "kwargs": {...}} (both optional), not arg',
    );
  });

  it('leaves no session behind', async () => {
    await until(() => runner.router!.sessionCount === runner.containers.length + 1);
  });
});

describe('the HTTP bridge on a realm with the default rules', () => {
  let runner: ServiceRunner;
  let base: string;
  beforeAll(async () => {
    ({ runner, base } = await start({ listeners: [{ ...loopback, bridge: true }] }));
  });
  afterAll(() => runner?.stop());

  it('lets anonymous requests do what DEFAULT_PERMISSIONS allow, and nothing more', async () => {
    expect(await (await post(`${base}/call/calc.add`, { args: [2, 3] })).json()).toEqual({
      args: [5],
      kwargs: {},
    });
    const meta = await post(`${base}/call/wamp.session.list`);
    expect(meta.status).toBe(403);
    expect(await (await post(`${base}/call/wamp.session.count`)).json()).toEqual({
      args: [expect.any(Number)],
      kwargs: {},
    });
  });

  it('follows the listener Origin policy: other pages get 403, local pages CORS headers', async () => {
    const evil = await post(`${base}/call/calc.add`, { args: [1, 1] }, { origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    const local = await post(`${base}/call/calc.add`, { args: [1, 1] }, { origin: 'http://localhost:3000' });
    expect(local.status).toBe(200);
    expect(local.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    const preflight = await fetch(`${base}/call/calc.add`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toBe(
      'authorization, content-type, x-correlation-id, traceparent, tracestate',
    );
  });

  it('is off unless the listener asks for it', async () => {
    const router = await Router.start({ listeners: [loopback], logger });
    try {
      const response = await post(
        `${router.clientUrl!.replace(/^ws/, 'http').replace(/\/ws$/, '')}/call/calc.add`,
      );
      expect(response.status).toBe(404);
    } finally {
      await router.stop();
    }
  });

  it('refuses a bridge on a RawSocket listener and unknown bridge options', async () => {
    await expect(
      Router.start({ listeners: [{ type: 'rawsocket', port: 0, bridge: {} } as never], logger }),
    ).rejects.toThrow('listeners[0].bridge: applies to WebSocket listeners only (it serves HTTP)');
    await expect(
      Router.start({ listeners: [{ ...loopback, bridge: { realms: 'x' } as never }], logger }),
    ).rejects.toThrow(/listeners\[0\]\.bridge\.realms: unknown option/);
  });
});

describe('docs/snippets/router-bridge.yaml', () => {
  it('is valid router options with the bridge on its WebSocket listener', () => {
    const options = validateRouterOptions(
      readYamlFile(join(__dirname, '../../docs/snippets/router-bridge.yaml')).value,
    );
    expect(options.listeners).toEqual([
      { type: 'websocket', port: 8080, bridge: { realm: 'realm1', timeout: 10000 } },
    ]);
  });
});
