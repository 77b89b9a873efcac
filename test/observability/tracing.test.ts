import autobahn from 'autobahn';
import { context, createContextKey, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SamplingDecision,
  SimpleSpanProcessor,
  type ReadableSpan,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import {
  connect,
  currentContext,
  EventDispatcher,
  Inject,
  Rpc,
  rpcProxy,
  Service,
  ServiceRunner,
  Subscribe,
  traceOptions,
  TRACEPARENT_ATTRIBUTE,
  WampError,
  WServiceTracing,
  type Client,
  type ServiceProxy,
} from '../../src';
import { createLogger } from '../../src/logger';
import { formatTraceparent, parseTraceparent } from '../../src/observability/tracing';
import { until } from '../helpers/until';

@Service('payments')
class PaymentsService {
  @Rpc()
  charge(order: string, amount: number): string {
    if (amount > 100) throw new WampError('payments.error.declined', ['over the limit'], { amount });
    return `paid ${order}`;
  }
}

@Service('orders')
class OrdersService {
  constructor(
    @Inject(rpcProxy('payments')) private readonly payments: ServiceProxy<PaymentsService>,
    private readonly events: EventDispatcher,
  ) {}

  @Rpc()
  async place(order: string, amount: number): Promise<string> {
    const receipt = await this.payments.charge(order, amount);
    await this.events.dispatch('orders.placed', { order });
    return receipt;
  }
}

const seen: string[] = [];

@Service('shipping')
class ShippingService {
  @Subscribe('orders.placed')
  onPlaced(event: { order: string }): void {
    seen.push(event.order);
  }
}

const quiet = () => createLogger({ level: 'silent' });
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const AUTOBAHN_SPAN = '00f067aa0ba902b7';

function openAutobahn(
  url: string,
  realm: string,
): Promise<autobahn.Connection & { session: autobahn.Session }> {
  const connection = new autobahn.Connection({ url, realm, max_retries: 0 } as autobahn.IConnectionOptions);
  return new Promise((resolve, reject) => {
    connection.onopen = () => resolve(connection as autobahn.Connection & { session: autobahn.Session });
    connection.onclose = (reason) => {
      reject(new Error(`autobahn could not connect: ${reason}`));
      return true;
    };
    connection.open();
  });
}

function closeAutobahn(connection: autobahn.Connection): Promise<void> {
  return new Promise((resolve) => {
    connection.onclose = () => {
      resolve();
      return true;
    };
    connection.close();
  });
}

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const idOf = (span: ReadableSpan) => span.spanContext().spanId;

describe('tracing across two services over WebSocket, entered from autobahn-js', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracing = new WServiceTracing({ tracerProvider: provider });
  let front: ServiceRunner;
  let back: ServiceRunner;
  let ab: autobahn.Connection & { session: autobahn.Session };

  beforeAll(async () => {
    // orders (with the router) and payments + shipping run as two separate systems, joined over a socket.
    front = await ServiceRunner.start({
      services: [OrdersService],
      embedded: { listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0, path: '/ws' }] },
      inProcess: false,
      logger: quiet(),
      tracing,
    });
    back = await ServiceRunner.start({
      services: [PaymentsService, ShippingService],
      router: front.routerUrl,
      logger: quiet(),
      tracing,
    });
    ab = await openAutobahn(front.routerUrl!, front.realm);
  });
  afterAll(async () => {
    if (ab) await closeAutobahn(ab);
    await back?.stop();
    await front?.stop();
    await provider.shutdown();
  });
  beforeEach(() => exporter.reset());

  it('follows one call from an autobahn-js caller through orders to payments and the event to shipping', async () => {
    const traceparent = `00-${TRACE_ID}-${AUTOBAHN_SPAN}-01`;
    const result = await ab.session.call('orders.place', ['o-1', 42], {}, {
      [TRACEPARENT_ATTRIBUTE]: traceparent,
      x_tracestate: 'vendor=abc',
    } as autobahn.ICallOptions);
    expect(result).toBe('paid o-1');
    await until(() => exporter.getFinishedSpans().length >= 5 && seen.includes('o-1'), {
      what: 'five spans',
    });

    const spans = exporter.getFinishedSpans();
    const byName = (name: string, kind: SpanKind) => {
      const found = spans.filter((s) => s.name === name && s.kind === kind);
      expect(found).toHaveLength(1);
      return found[0];
    };
    const ordersServer = byName('orders.place', SpanKind.SERVER);
    const paymentsClient = byName('payments.charge', SpanKind.CLIENT);
    const paymentsServer = byName('payments.charge', SpanKind.SERVER);
    const producer = byName('publish orders.placed', SpanKind.PRODUCER);
    const consumer = byName('process orders.placed', SpanKind.CONSUMER);

    // One trace, the autobahn-js caller's.
    for (const span of spans) expect(span.spanContext().traceId).toBe(TRACE_ID);
    expect(parentOf(ordersServer)).toBe(AUTOBAHN_SPAN);
    expect(ordersServer.parentSpanContext?.isRemote).toBe(true);
    expect(ordersServer.parentSpanContext?.traceState?.get('vendor')).toBe('abc');
    expect(parentOf(paymentsClient)).toBe(idOf(ordersServer));
    expect(parentOf(paymentsServer)).toBe(idOf(paymentsClient));
    expect(parentOf(producer)).toBe(idOf(ordersServer));
    expect(parentOf(consumer)).toBe(idOf(producer));

    // Procedure, sessions, service.
    const ordersSession = front.instancesOf('orders')[0].connection.session!.id;
    const paymentsSession = back.instancesOf('payments')[0].connection.session!.id;
    expect(ordersServer.attributes).toMatchObject({
      'rpc.system': 'wamp',
      'wamp.procedure': 'orders.place',
      'wamp.session': ordersSession,
      'wamp.caller': ab.session.id,
      'wservice.service': 'orders',
      'wservice.method': 'place',
    });
    expect(paymentsClient.attributes).toMatchObject({
      'wamp.procedure': 'payments.charge',
      'wamp.session': ordersSession,
    });
    expect(paymentsServer.attributes).toMatchObject({
      'wamp.session': paymentsSession,
      'wamp.caller': ordersSession,
    });
    expect(typeof paymentsServer.attributes['wamp.caller_authid']).toBe('string');
    expect(consumer.attributes).toMatchObject({
      'messaging.system': 'wamp',
      'messaging.destination.name': 'orders.placed',
      'wamp.topic': 'orders.placed',
      'wservice.service': 'shipping',
    });
    for (const span of spans) expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('marks both ends of a failed call with the error URI', async () => {
    await expect(ab.session.call('orders.place', ['o-2', 500])).rejects.toMatchObject({
      error: 'payments.error.declined',
    });
    await until(() => exporter.getFinishedSpans().length >= 3, { what: 'three spans' });
    const spans = exporter.getFinishedSpans();
    for (const name of ['orders.place', 'payments.charge']) {
      const failed = spans.filter((s) => s.name === name);
      expect(failed.length).toBeGreaterThan(0);
      for (const span of failed) {
        expect(span.attributes['wamp.error']).toBe('payments.error.declined');
        expect(span.status.code).toBe(SpanStatusCode.ERROR);
        expect(span.status.message).toContain('over the limit');
      }
    }
    // Without a caller's traceparent the first service starts the trace; the next hops join it.
    const traceIds = new Set(spans.map((s) => s.spanContext().traceId));
    expect(traceIds.size).toBe(1);
    expect(traceIds.has(TRACE_ID)).toBe(false);
    expect(spans.find((s) => s.name === 'orders.place')!.parentSpanContext).toBeUndefined();
  });

  it('continues an autobahn-js publication in the handler, and ignores a malformed traceparent', async () => {
    await ab.session.publish('orders.placed', [{ order: 'o-3' }], {}, {
      acknowledge: true,
      [TRACEPARENT_ATTRIBUTE]: `00-${TRACE_ID}-${AUTOBAHN_SPAN}-01`,
    } as autobahn.IPublishOptions);
    await ab.session.publish('orders.placed', [{ order: 'o-4' }], {}, {
      acknowledge: true,
      [TRACEPARENT_ATTRIBUTE]: `00-${'0'.repeat(32)}-${AUTOBAHN_SPAN}-01`,
    } as autobahn.IPublishOptions);
    await until(() => exporter.getFinishedSpans().length >= 2, { what: 'two consumer spans' });
    const [first, second] = exporter.getFinishedSpans();
    expect(first.kind).toBe(SpanKind.CONSUMER);
    expect(first.spanContext().traceId).toBe(TRACE_ID);
    expect(parentOf(first)).toBe(AUTOBAHN_SPAN);
    expect(second.spanContext().traceId).not.toBe(TRACE_ID);
    expect(second.parentSpanContext).toBeUndefined();
  });
});

describe('tracing off', () => {
  it('sends no trace context and starts no span unless the runner is given tracing', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    trace.setGlobalTracerProvider(provider);
    const runner = await ServiceRunner.start({
      services: [OrdersService],
      embedded: { listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0, path: '/ws' }] },
      logger: quiet(),
    });
    let callee: Client | undefined;
    try {
      callee = await connect({ url: runner.routerUrl!, realm: runner.realm, reconnect: false });
      const details: Record<string, unknown>[] = [];
      await callee.register('payments.charge', (_args, _kwargs, context) => {
        details.push(context.details);
        return 'ok';
      });
      const caller = await connect({ url: runner.routerUrl!, realm: runner.realm, reconnect: false });
      await caller.call('orders.place', ['o-5', 1]);
      await caller.close();
      expect(details).toHaveLength(1);
      expect(details[0]).not.toHaveProperty(TRACEPARENT_ATTRIBUTE);
      expect(details[0]).toHaveProperty('x_correlation_id');
      expect(exporter.getFinishedSpans()).toEqual([]);
    } finally {
      await callee?.close();
      await runner.stop();
      trace.disable();
    }
  });
});

describe('tracing with the global provider and a context manager', () => {
  it('makes a span of the application the parent of a call from a plain client (traceOptions)', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const contextManager = new AsyncLocalStorageContextManager().enable();
    trace.setGlobalTracerProvider(provider);
    context.setGlobalContextManager(contextManager);
    const runner = await ServiceRunner.start({
      services: [PaymentsService],
      embedded: { listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0, path: '/ws' }] },
      logger: quiet(),
      tracing: new WServiceTracing(),
    });
    const client = await connect({ url: runner.routerUrl!, realm: runner.realm, reconnect: false });
    try {
      const gateway = provider.getTracer('gateway');
      const outer = await gateway.startActiveSpan('POST /checkout', async (span) => {
        await client.call('payments.charge', ['o-6', 5], {}, { custom: traceOptions() });
        span.end();
        return span.spanContext();
      });
      const server = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER)!;
      expect(server.spanContext().traceId).toBe(outer.traceId);
      expect(parentOf(server)).toBe(outer.spanId);
      expect(traceOptions()).toEqual({});
    } finally {
      await client.close();
      await runner.stop();
      trace.disable();
      context.disable();
    }
  });
});

describe('W3C traceparent', () => {
  it('reads valid values and refuses malformed ones', () => {
    expect(parseTraceparent(`00-${TRACE_ID}-${AUTOBAHN_SPAN}-01`)).toEqual({
      traceId: TRACE_ID,
      spanId: AUTOBAHN_SPAN,
      traceFlags: 1,
      isRemote: true,
    });
    // spec: a later version may append fields; version 00 may not.
    expect(parseTraceparent(`01-${TRACE_ID}-${AUTOBAHN_SPAN}-00-extra`)?.traceFlags).toBe(0);
    for (const bad of [
      `00-${TRACE_ID}-${AUTOBAHN_SPAN}-01-extra`,
      `ff-${TRACE_ID}-${AUTOBAHN_SPAN}-01`,
      `00-${TRACE_ID.toUpperCase()}-${AUTOBAHN_SPAN}-01`,
      `00-${TRACE_ID}-${'0'.repeat(16)}-01`,
      `00-${TRACE_ID}-${AUTOBAHN_SPAN}`,
      '',
      'x'.repeat(10_000),
    ]) {
      expect(parseTraceparent(bad)).toBeUndefined();
    }
    expect(formatTraceparent({ traceId: TRACE_ID, spanId: AUTOBAHN_SPAN, traceFlags: 1 })).toBe(
      `00-${TRACE_ID}-${AUTOBAHN_SPAN}-01`,
    );
  });
});

/** What a handler saw of its call's OpenTelemetry context. */
interface SeenContext {
  active?: string;
  call?: string;
  derived?: unknown;
  derivedSpan?: string;
  deletedSpan?: string;
  deletedValue?: unknown;
}

const MARK = createContextKey('wservice test mark');
const seenContexts: SeenContext[] = [];

@Service('inspector')
class InspectorService {
  @Rpc()
  look(): string {
    const call = currentContext()?.trace;
    const derived = call?.setValue(MARK, 'marked');
    seenContexts.push({
      active: trace.getActiveSpan()?.spanContext().spanId,
      call: call === undefined ? undefined : trace.getSpan(call)?.spanContext().spanId,
      derived: derived?.getValue(MARK),
      derivedSpan: derived === undefined ? undefined : trace.getSpan(derived)?.spanContext().spanId,
      deletedSpan:
        derived === undefined ? undefined : trace.getSpan(derived.deleteValue(MARK))?.spanContext().spanId,
      deletedValue: derived?.deleteValue(MARK).getValue(MARK),
    });
    return 'seen';
  }
}

describe("a handler's OpenTelemetry context (made when first read)", () => {
  afterEach(() => {
    seenContexts.length = 0;
  });

  async function lookOnce(withContextManager: boolean): Promise<{ seen: SeenContext; server: ReadableSpan }> {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const manager = withContextManager ? new AsyncLocalStorageContextManager().enable() : undefined;
    if (manager) context.setGlobalContextManager(manager);
    const runner = await ServiceRunner.start({
      services: [InspectorService],
      embedded: { listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0, path: '/ws' }] },
      inProcess: false,
      logger: quiet(),
      tracing: new WServiceTracing({ tracerProvider: provider }),
    });
    const client = await connect({ url: runner.routerUrl!, realm: runner.realm, reconnect: false });
    try {
      await expect(client.call('inspector.look')).resolves.toBe('seen');
      const server = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER)!;
      expect(seenContexts).toHaveLength(1);
      return { seen: seenContexts[0], server };
    } finally {
      await client.close();
      await runner.stop();
      await provider.shutdown();
      if (manager) context.disable();
    }
  }

  it.each([
    ['and contexts derived from it keep it, with a context manager', true],
    ['without a context manager (no active span then)', false],
  ])('holds the SERVER span %s', async (_case, manager) => {
    const { seen, server } = await lookOnce(manager);
    const id = idOf(server);
    expect(seen).toEqual({
      active: manager ? id : undefined,
      call: id,
      derived: 'marked',
      derivedSpan: id,
      deletedSpan: id,
      deletedValue: undefined,
    });
  });
});

describe('what a sampler is offered, and what the span records', () => {
  interface Offer {
    name: string;
    kind: SpanKind;
    keys: string[];
  }

  async function placeOnce(decision: SamplingDecision) {
    const offers: Offer[] = [];
    const sampler: Sampler = {
      shouldSample: (_context, _traceId, name, kind, attributes) => {
        offers.push({ name, kind, keys: Object.keys(attributes).sort() });
        return { decision };
      },
      toString: () => 'recording sampler',
    };
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      sampler,
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const runner = await ServiceRunner.start({
      services: [OrdersService, PaymentsService, ShippingService],
      embedded: { listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0, path: '/ws' }] },
      inProcess: false,
      logger: quiet(),
      tracing: new WServiceTracing({ tracerProvider: provider }),
    });
    const client = await connect({ url: runner.routerUrl!, realm: runner.realm, reconnect: false });
    try {
      await expect(client.call('orders.place', ['o-7', 5])).resolves.toBe('paid o-7');
      await until(() => offers.some((o) => o.kind === SpanKind.CONSUMER), { what: 'the CONSUMER span' });
      if (decision === SamplingDecision.RECORD_AND_SAMPLED)
        await until(() => exporter.getFinishedSpans().length >= 5, { what: 'five spans' });
      const sessions = {
        orders: runner.instancesOf('orders')[0].connection.session!.id,
        shipping: runner.instancesOf('shipping')[0].connection.session!.id,
        client: client.session!.id,
      };
      return { offers, spans: exporter.getFinishedSpans(), sessions };
    } finally {
      await client.close();
      await runner.stop();
      await provider.shutdown();
    }
  }

  it('offers what is called and by which service; the caller and the session are recorded once the span records', async () => {
    const { offers, spans, sessions } = await placeOnce(SamplingDecision.RECORD_AND_SAMPLED);
    const offered = (name: string, kind: SpanKind) =>
      offers.find((o) => o.name === name && o.kind === kind)?.keys;
    expect(offered('orders.place', SpanKind.SERVER)).toEqual([
      'rpc.method',
      'rpc.system',
      'wamp.procedure',
      'wservice.service',
    ]);
    expect(offered('payments.charge', SpanKind.CLIENT)).toEqual([
      'rpc.method',
      'rpc.system',
      'wamp.procedure',
    ]);
    expect(offered('publish orders.placed', SpanKind.PRODUCER)).toEqual([
      'messaging.destination.name',
      'messaging.operation.type',
      'messaging.system',
      'wamp.topic',
    ]);
    expect(offered('process orders.placed', SpanKind.CONSUMER)).toEqual([
      'messaging.destination.name',
      'messaging.operation.type',
      'messaging.system',
      'wamp.topic',
      'wservice.service',
    ]);

    const recorded = (name: string, kind: SpanKind) => spans.find((s) => s.name === name && s.kind === kind)!;
    const server = recorded('orders.place', SpanKind.SERVER);
    expect(server.attributes).toEqual({
      'rpc.system': 'wamp',
      'rpc.method': 'orders.place',
      'wamp.procedure': 'orders.place',
      'wservice.service': 'orders',
      'wservice.method': 'place',
      'wamp.session': sessions.orders,
      'wamp.caller': sessions.client,
      'wamp.caller_authid': server.attributes['wamp.caller_authid'],
    });
    expect(typeof server.attributes['wamp.caller_authid']).toBe('string');
    expect(recorded('payments.charge', SpanKind.CLIENT).attributes['wamp.session']).toBe(sessions.orders);
    expect(recorded('publish orders.placed', SpanKind.PRODUCER).attributes['wamp.session']).toBe(
      sessions.orders,
    );
    expect(recorded('process orders.placed', SpanKind.CONSUMER).attributes).toMatchObject({
      'wamp.session': sessions.shipping,
      'wservice.method': 'onPlaced',
    });
  });

  it('records nothing for spans the sampler drops, and the calls still work', async () => {
    const { offers, spans } = await placeOnce(SamplingDecision.NOT_RECORD);
    expect(offers.length).toBeGreaterThanOrEqual(5);
    expect(spans).toEqual([]);
  });
});
