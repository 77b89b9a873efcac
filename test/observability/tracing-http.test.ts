import { SpanKind } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import {
  Http,
  Inject,
  Rpc,
  rpcProxy,
  Service,
  ServiceRunner,
  Subscribe,
  WServiceTracing,
  type ServiceProxy,
} from '../../src';
import { createLogger } from '../../src/logger';
import { traceAttributesOfHeaders } from '../../src/observability/tracing';
import { until } from '../helpers/until';

@Service('stock')
class StockService {
  @Rpc()
  count(sku: string): number {
    return sku.length;
  }
}

const restocked: string[] = [];

@Service('shelf')
class ShelfService {
  constructor(@Inject(rpcProxy('stock')) private readonly stock: ServiceProxy<StockService>) {}

  @Http('GET', '/shelf/:sku')
  async look(sku: string): Promise<{ sku: string; count: number }> {
    return { sku, count: await this.stock.count(sku) };
  }

  @Subscribe('shelf.restocked')
  onRestocked(sku: string): void {
    restocked.push(sku);
  }
}

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const BROWSER_SPAN = 'b7ad6b7169203331';
const TRACEPARENT = `00-${TRACE_ID}-${BROWSER_SPAN}-01`;

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const idOf = (span: ReadableSpan) => span.spanContext().spanId;

describe('trace context from HTTP headers (@Http routes and the router bridge)', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let runner: ServiceRunner;
  let bridge: string;

  beforeAll(async () => {
    runner = await ServiceRunner.start({
      services: [StockService, ShelfService],
      embedded: {
        listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0, path: '/ws', bridge: true }],
      },
      http: { host: '127.0.0.1', port: 0 },
      logger: createLogger({ level: 'silent' }),
      tracing: new WServiceTracing({ tracerProvider: provider }),
    });
    bridge = runner.routerUrl!.replace(/^ws/, 'http').replace(/\/ws$/, '');
  });
  afterAll(async () => {
    await runner?.stop();
    await provider.shutdown();
  });
  beforeEach(() => exporter.reset());

  const spanNamed = (name: string, kind: SpanKind): ReadableSpan => {
    const found = exporter.getFinishedSpans().filter((s) => s.name === name && s.kind === kind);
    expect(found).toHaveLength(1);
    return found[0];
  };

  it("makes an @Http request's traceparent the SERVER span's parent, and the calls it makes follow", async () => {
    const response = await fetch(`${runner.httpUrl}/shelf/apple`, {
      headers: { traceparent: TRACEPARENT, tracestate: 'shop=1,vendor=x' },
    });
    expect(await response.json()).toEqual({ sku: 'apple', count: 5 });
    await until(() => exporter.getFinishedSpans().length >= 3, { what: 'three spans' });

    const server = spanNamed('GET /shelf/:sku', SpanKind.SERVER);
    const client = spanNamed('stock.count', SpanKind.CLIENT);
    const callee = spanNamed('stock.count', SpanKind.SERVER);
    for (const span of [server, client, callee]) expect(span.spanContext().traceId).toBe(TRACE_ID);
    expect(parentOf(server)).toBe(BROWSER_SPAN);
    expect(server.parentSpanContext?.isRemote).toBe(true);
    expect(server.parentSpanContext?.traceState?.get('vendor')).toBe('x');
    expect(server.attributes).toMatchObject({ 'http.request.method': 'GET', 'http.route': '/shelf/:sku' });
    expect(parentOf(client)).toBe(idOf(server));
    expect(parentOf(callee)).toBe(idOf(client));
  });

  it('starts a new trace for an @Http request without a traceparent, or with a malformed one', async () => {
    const cases: Record<string, string>[] = [
      {},
      { traceparent: `00-${'0'.repeat(32)}-${BROWSER_SPAN}-01` },
      { traceparent: 'x' },
    ];
    for (const headers of cases) {
      exporter.reset();
      expect((await fetch(`${runner.httpUrl}/shelf/fig`, { headers })).status).toBe(200);
      await until(() => exporter.getFinishedSpans().length >= 3, { what: 'three spans' });
      const server = spanNamed('GET /shelf/:sku', SpanKind.SERVER);
      expect(server.parentSpanContext).toBeUndefined();
      expect(server.spanContext().traceId).not.toBe(TRACE_ID);
    }
  });

  it("carries a bridge call's traceparent into the CALL's x_traceparent: the callee's SERVER span continues it", async () => {
    const response = await fetch(`${bridge}/call/stock.count`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: TRACEPARENT, tracestate: 'shop=1' },
      body: JSON.stringify({ args: ['pear'] }),
    });
    expect(await response.json()).toEqual({ args: [4], kwargs: {} });
    await until(() => exporter.getFinishedSpans().length >= 1, { what: 'the callee span' });
    const callee = spanNamed('stock.count', SpanKind.SERVER);
    expect(callee.spanContext().traceId).toBe(TRACE_ID);
    expect(parentOf(callee)).toBe(BROWSER_SPAN);
    expect(callee.parentSpanContext?.traceState?.get('shop')).toBe('1');
  });

  it("carries a bridge publication's traceparent to the subscribers' CONSUMER spans", async () => {
    const response = await fetch(`${bridge}/publish/shelf.restocked`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: TRACEPARENT },
      body: JSON.stringify({ args: ['kiwi'] }),
    });
    expect(response.status).toBe(200);
    await until(() => restocked.includes('kiwi') && exporter.getFinishedSpans().length >= 1, {
      what: 'the consumer span',
    });
    const consumer = spanNamed('process shelf.restocked', SpanKind.CONSUMER);
    expect(consumer.spanContext().traceId).toBe(TRACE_ID);
    expect(parentOf(consumer)).toBe(BROWSER_SPAN);
  });

  it('starts a new trace for a bridge call with a malformed traceparent', async () => {
    await fetch(`${bridge}/call/stock.count`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `ff-${TRACE_ID}-${BROWSER_SPAN}-01` },
      body: JSON.stringify({ args: ['plum'] }),
    });
    await until(() => exporter.getFinishedSpans().length >= 1, { what: 'the callee span' });
    const callee = spanNamed('stock.count', SpanKind.SERVER);
    expect(callee.parentSpanContext).toBeUndefined();
    expect(callee.spanContext().traceId).not.toBe(TRACE_ID);
  });
});

describe('traceAttributesOfHeaders', () => {
  it('reads traceparent and tracestate as the WAMP custom attributes, or nothing', () => {
    expect(traceAttributesOfHeaders({ traceparent: TRACEPARENT, tracestate: 'a=1' })).toEqual({
      x_traceparent: TRACEPARENT,
      x_tracestate: 'a=1',
    });
    // Several tracestate headers are one list; a later version's extra fields are not carried on.
    expect(
      traceAttributesOfHeaders({
        traceparent: `01-${TRACE_ID}-${BROWSER_SPAN}-01-extra`,
        tracestate: ['a=1', 'b=2'],
      }),
    ).toEqual({ x_traceparent: TRACEPARENT, x_tracestate: 'a=1,b=2' });
    expect(traceAttributesOfHeaders({ traceparent: TRACEPARENT, tracestate: 'x'.repeat(513) })).toEqual({
      x_traceparent: TRACEPARENT,
    });
    expect(traceAttributesOfHeaders({ tracestate: 'a=1' })).toEqual({});
    expect(traceAttributesOfHeaders({ traceparent: `00-${TRACE_ID}-${'0'.repeat(16)}-01` })).toEqual({});
    expect(traceAttributesOfHeaders({ traceparent: ['a', 'b'] })).toEqual({});
  });
});
