import { Http, Service, WampError, currentContext, type CallContext } from '../../../src';
import { ServiceRunner } from '../../../src/service/runner';
import { runServices, type TestSystem } from '../../../src/testing';
import Ajv2020 from 'ajv/dist/2020';
import { createLogger } from '../../../src/logger';
import { capturingLogger } from '../../helpers/capturing-logger';

interface Order {
  id: number;
  sku: string;
  qty: number;
}

class OrderNotFound extends WampError {
  static readonly httpStatus = 404;
  constructor(id: number) {
    super('orders.error.not_found', [`no order ${id}`], { id });
  }
}

@Service('orders', { maxConcurrency: 1, maxQueued: 0 })
class OrdersService {
  readonly orders = new Map<number, Order>([[1, { id: 1, sku: 'apple', qty: 2 }]]);
  contexts: CallContext[] = [];

  @Http('GET', '/orders/:id')
  get(id: number): Order {
    this.contexts.push(currentContext()!);
    const order = this.orders.get(id);
    if (order === undefined) throw new OrderNotFound(id);
    return order;
  }

  @Http('GET', '/orders/latest')
  latest(): Order {
    return [...this.orders.values()].at(-1)!;
  }

  @Http('GET', '/orders')
  list(limit: number = 10, tag: string[] = [], big?: bigint): { ids: number[]; tag: string[]; big?: string } {
    return {
      ids: [...this.orders.keys()].slice(0, limit),
      tag,
      ...(big === undefined ? {} : { big: typeof big }),
    };
  }

  @Http('POST', '/orders', { status: 201 })
  create(sku: string, qty: number): Order {
    const order = { id: this.orders.size + 1, sku, qty };
    this.orders.set(order.id, order);
    return order;
  }

  @Http('DELETE', '/orders/:id')
  remove(id: number): void {
    this.orders.delete(id);
  }

  @Http('GET', '/boom')
  boom(): never {
    throw new TypeError('the oven is cold');
  }

  @Http('GET', '/slow')
  async slow(ms: number): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return 'done';
  }

  @Http('GET', '/bytes')
  bytes(): { data: Uint8Array; n: bigint } {
    return { data: Uint8Array.from([1, 2, 3]), n: 2n ** 60n };
  }
}

async function json(response: Response): Promise<Record<string, unknown>> {
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  return (await response.json()) as Record<string, unknown>;
}

describe('@Http routes', () => {
  let system: TestSystem;
  let base: string;
  beforeAll(async () => {
    system = await runServices([OrdersService], { http: { port: 0, maxBodyBytes: 1024 } });
    base = system.httpUrl!;
  });
  afterAll(() => system?.stop());
  const service = () => system.container('orders').instance as OrdersService;

  it('binds a path parameter by the contract type and answers JSON', async () => {
    const response = await fetch(`${base}/orders/1`);
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ id: 1, sku: 'apple', qty: 2 });
  });

  it('prefers a literal segment to a parameter', async () => {
    expect(await json(await fetch(`${base}/orders/latest`))).toMatchObject({ sku: expect.any(String) });
  });

  it('binds query parameters: numbers, repeated names as a list, bigints', async () => {
    const response = await fetch(`${base}/orders?limit=1&tag=a&tag=b&big=12345678901234567890`);
    expect(await json(response)).toEqual({ ids: [1], tag: ['a', 'b'], big: 'bigint' });
    expect(await json(await fetch(`${base}/orders?tag=solo`))).toMatchObject({ tag: ['solo'] });
  });

  it('binds a JSON body by name, with the status the route declares', async () => {
    const response = await fetch(`${base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sku: 'pear', qty: 3 }),
    });
    expect(response.status).toBe(201);
    const order = await json(response);
    expect(order).toMatchObject({ sku: 'pear', qty: 3 });
    const removed = await fetch(`${base}/orders/${String(order.id)}`, { method: 'DELETE' });
    expect(removed.status).toBe(204);
    expect(await removed.text()).toBe('');
    expect(service().orders.has(order.id as number)).toBe(false);
  });

  it('refuses arguments the contract refuses with 400 and the binder own words', async () => {
    const response = await fetch(`${base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sku: 'pear', qty: 'three' }),
    });
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({
      error: 'wamp.error.invalid_argument',
      args: ['create() qty: expected number, got string "three"'],
      kwargs: {
        method: 'create',
        parameter: 'qty',
        path: 'qty',
        expected: 'expected number',
        got: 'string "three"',
      },
      message: 'create() qty: expected number, got string "three"',
    });
    const text = await fetch(`${base}/orders/abc`);
    expect(text.status).toBe(400);
    expect((await json(text)).message).toBe('get() id: expected number, got string "abc"');
    const missing = await fetch(`${base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sku: 'pear' }),
    });
    expect((await json(missing)).message).toBe("create() missing required argument 'qty'");
    const unknown = await fetch(`${base}/orders?colour=red`);
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).message).toBe("list() got an unexpected keyword argument 'colour'");
    const twice = await fetch(`${base}/orders/1?id=2`);
    expect((await json(twice)).message).toBe("get() got multiple values for argument 'id'");
  });

  it('answers a thrown WampError with the status its class declares and its URI, args, kwargs', async () => {
    const response = await fetch(`${base}/orders/99`);
    expect(response.status).toBe(404);
    expect(await json(response)).toEqual({
      error: 'orders.error.not_found',
      args: ['no order 99'],
      kwargs: { id: 99 },
      message: 'no order 99',
    });
  });

  it('answers any other error with 500 wservice.error.application and no stack', async () => {
    const response = await fetch(`${base}/boom`);
    expect(response.status).toBe(500);
    expect(await json(response)).toEqual({
      error: 'wservice.error.application',
      args: ['the oven is cold'],
      kwargs: { name: 'TypeError', message: 'the oven is cold' },
      message: 'the oven is cold',
    });
  });

  it('answers 404 for an unknown path and 405 with Allow for a known path and another method', async () => {
    const none = await fetch(`${base}/nothing/here`);
    expect(none.status).toBe(404);
    expect(await json(none)).toMatchObject({ error: 'wservice.error.not_found' });
    const put = await fetch(`${base}/orders/1`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, DELETE');
    expect(await json(put)).toMatchObject({ error: 'wservice.error.method_not_allowed' });
  });

  it('refuses bodies that are not JSON, malformed or too large', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': type }, body });
    const text = await post('sku=pear', 'application/x-www-form-urlencoded');
    expect(text.status).toBe(415);
    expect(await json(text)).toMatchObject({ error: 'wamp.error.invalid_argument' });
    const malformed = await post('{"sku":');
    expect(malformed.status).toBe(400);
    expect((await json(malformed)).message).toMatch(/^the body is not valid JSON/);
    const list = await post('[1, 2]');
    expect((await json(list)).message).toBe('create() the body must be a JSON object of arguments by name');
    const large = await post(JSON.stringify({ sku: 'x'.repeat(2000), qty: 1 }));
    expect(large.status).toBe(413);
    expect(await json(large)).toMatchObject({ error: 'wamp.error.payload_size_exceeded' });
    // The server still serves after refusing.
    expect((await fetch(`${base}/orders/1`)).status).toBe(200);
  });

  it('runs behind the concurrency gate: beyond maxQueued a request gets 503 overloaded', async () => {
    const first = fetch(`${base}/slow?ms=300`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await fetch(`${base}/slow?ms=1`);
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(await json(second)).toMatchObject({ error: 'wservice.error.overloaded' });
    expect(await (await first).json()).toBe('done');
  });

  it('runs in a call context: kind http, the request path, the correlation id of the header', async () => {
    service().contexts = [];
    const response = await fetch(`${base}/orders/1`, { headers: { 'x-correlation-id': 'trace-42' } });
    expect(response.headers.get('x-correlation-id')).toBe('trace-42');
    const [context] = service().contexts;
    expect(context).toMatchObject({ service: 'orders', kind: 'http', method: 'get', uri: '/orders/1' });
    expect(context.correlationId).toBe('trace-42');
    const fresh = await fetch(`${base}/orders/1`);
    expect(fresh.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('writes bytes as base64 and bigints beyond 2^53 as text', async () => {
    expect(await json(await fetch(`${base}/bytes`))).toEqual({ data: 'AQID', n: '1152921504606846976' });
  });
});

@Service('greeter')
class GreeterService {
  static served = new Map<string, number>();
  readonly me = `instance-${GreeterService.served.size}`;
  constructor() {
    GreeterService.served.set(this.me, 0);
  }

  @Http('GET', '/hello/:name')
  hello(name: string): string {
    GreeterService.served.set(this.me, GreeterService.served.get(this.me)! + 1);
    return `Hello ${name}`;
  }
}

describe('the runner HTTP server', () => {
  const logger = createLogger({ level: 'silent' });

  it('spreads requests over the instances of a service in turn, and closes on stop', async () => {
    const runner = await ServiceRunner.start({
      services: [{ service: GreeterService, instances: 2 }],
      embedded: { listeners: [] },
      http: { port: 0 },
      logger,
    });
    const url = runner.httpUrl!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (let i = 0; i < 4; i++)
      expect(await (await fetch(`${url}/hello/Ada%20L`)).json()).toBe('Hello Ada L');
    expect([...GreeterService.served.values()]).toEqual([2, 2]);
    await runner.stop();
    await expect(fetch(`${url}/hello/x`)).rejects.toThrow();
  });

  it('serves nothing without routes, or with http: false', async () => {
    @Service('plain')
    class PlainService {}
    const plain = await ServiceRunner.start({
      services: [PlainService],
      embedded: { listeners: [] },
      logger,
    });
    expect(plain.httpUrl).toBeUndefined();
    await plain.stop();
    const off = await ServiceRunner.start({
      services: [GreeterService],
      embedded: { listeners: [] },
      http: false,
      logger,
    });
    expect(off.httpUrl).toBeUndefined();
    expect(off.container('greeter').labels).toEqual([]);
    await off.stop();
  });

  it('refuses bad http options before anything starts', async () => {
    await expect(
      ServiceRunner.start({
        services: [GreeterService],
        embedded: { listeners: [] },
        http: { port: 70000 },
        logger,
      }),
    ).rejects.toThrow('http.port must be a port number (0-65535), got 70000');
  });

  it('fails the start when the port is taken, stopping what had started', async () => {
    const first = await ServiceRunner.start({
      services: [GreeterService],
      embedded: { listeners: [] },
      http: { port: 0 },
      logger,
    });
    const port = Number(new URL(first.httpUrl!).port);
    await expect(
      ServiceRunner.start({
        services: [GreeterService],
        embedded: { listeners: [] },
        http: { port },
        logger,
      }),
    ).rejects.toThrow(/EADDRINUSE|in use/);
    await first.stop();
  });
});

describe('what the HTTP server logs', () => {
  it('logs each refused or failed request once: a WampError at info, anything else at error', async () => {
    const { logger, lines } = capturingLogger('info');
    const system = await runServices([OrdersService], { logger });
    try {
      const base = system.httpUrl!;
      await fetch(`${base}/orders/abc`);
      await fetch(`${base}/orders/99`);
      await fetch(`${base}/boom`);
      await fetch(`${base}/nothing`);
      const requests = lines.filter((l) => l.level !== 30 || /orders|boom|HTTP|http/.test(String(l.msg)));
      expect(requests.map((l) => [l.level, l.msg])).toEqual([
        [30, 'HTTP GET refused: wamp.error.invalid_argument: get() id: expected number, got string "abc"'],
        [30, 'http /orders/99 failed: orders.error.not_found: no order 99'],
        [50, 'http /boom threw'],
      ]);
    } finally {
      await system.stop();
    }
  });
});

describe('the OpenAPI document', () => {
  it('is served at /openapi.json: OpenAPI 3.1, every route with its parameters, body and result from the contract', async () => {
    const system = await runServices([OrdersService]);
    try {
      const response = await fetch(`${system.httpUrl!}/openapi.json`);
      expect(response.status).toBe(200);
      const doc = (await response.json()) as {
        openapi: string;
        paths: Record<string, Record<string, Record<string, unknown>>>;
        components: { schemas: Record<string, object> };
      };
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths).sort()).toEqual([
        '/boom',
        '/bytes',
        '/orders',
        '/orders/latest',
        '/orders/{id}',
        '/slow',
      ]);
      expect(Object.keys(doc.paths['/orders/{id}']).sort()).toEqual(['delete', 'get']);
      const get = doc.paths['/orders/{id}'].get;
      expect(get.operationId).toBe('orders.get');
      expect(get.parameters).toEqual([
        { name: 'id', in: 'path', required: true, schema: { type: 'number' } },
      ]);
      expect(doc.paths['/orders'].get.parameters).toEqual([
        expect.objectContaining({ name: 'limit', in: 'query', required: false, schema: { type: 'number' } }),
        expect.objectContaining({ name: 'tag', in: 'query', required: false }),
        expect.objectContaining({ name: 'big', in: 'query', required: false }),
      ]);
      const create = doc.paths['/orders'].post;
      expect(create.requestBody).toEqual({
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: { sku: { type: 'string' }, qty: { type: 'number' } },
              required: ['sku', 'qty'],
            },
          },
        },
      });
      expect(Object.keys(create.responses as object)).toEqual(['201', '204', 'default']);
      // Every schema compiles as JSON Schema 2020-12 (OpenAPI 3.1's dialect) and every reference resolves.
      const text = JSON.stringify(doc);
      for (const [, name] of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g))
        expect(doc.components.schemas[name]).toBeDefined();
      expect(text).not.toContain('#/$defs/');
      const ajv = new Ajv2020({ strict: false });
      const schemas = [...text.matchAll(/"schema":/g)].length;
      expect(schemas).toBeGreaterThan(10);
      const order = ajv.compile({
        ...((get.responses as Record<string, { content: Record<string, { schema: object }> }>)['200'].content[
          'application/json'
        ].schema as object),
        components: doc.components,
      });
      expect(order({ id: 1, sku: 'apple', qty: 2 })).toBe(true);
      expect(order({ id: 1, sku: 'apple' })).toBe(false);
    } finally {
      await system.stop();
    }
  });
});
