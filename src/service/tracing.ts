import { context as activeContext, type Attributes, type Context, type Span } from '@opentelemetry/api';
import type { Connection } from '../client/connection';
import {
  DeferredSpanContext,
  endSpan,
  remoteContext,
  SpanKind,
  traceAttributes,
  type WServiceTracing,
} from '../observability/tracing';
import { currentContext } from './context';
import type { EntrypointDefinition } from './definition';

/** An outbound span and the custom attributes that carry it to the next hop. */
export interface OutboundSpan {
  readonly span: Span;
  readonly custom: Record<string, string>;
}

/** What an inbound span knows of its call. */
export interface InboundCall {
  readonly uri?: string;
  readonly caller?: number;
  readonly callerAuthid?: string;
  /** The INVOCATION / EVENT Details, where the caller's trace context travels. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** An inbound span and the context (with it active) the worker runs in. */
export interface InboundSpan {
  readonly span: Span;
  readonly context: Context;
}

const INBOUND_KIND = {
  rpc: SpanKind.SERVER,
  subscribe: SpanKind.CONSUMER,
  timer: SpanKind.INTERNAL,
  http: SpanKind.SERVER,
} as const;

/** The spans of one service instance: names and attributes in one place. */
export class ServiceTracer {
  constructor(
    private readonly tracing: WServiceTracing,
    private readonly service: string,
    private readonly connection: Connection,
  ) {}

  /**
   * The SERVER span of an invocation, the CONSUMER span of an event, an INTERNAL one per timer tick.
   * The sampler is offered what is called (the attributes OpenTelemetry's conventions name for
   * sampling decisions) and by which service; who called and on which session are set once the
   * span records: the SDK passes over start attributes three times, over later ones once.
   */
  inbound(entrypoint: EntrypointDefinition, call: InboundCall): InboundSpan {
    const attributes: Attributes = { 'wservice.service': this.service };
    let name: string;
    if (entrypoint.kind === 'rpc') {
      name = call.uri ?? entrypoint.uri;
      rpcAttributes(attributes, name);
    } else if (entrypoint.kind === 'subscribe') {
      const topic = call.uri ?? entrypoint.topic;
      name = `process ${topic}`;
      messagingAttributes(attributes, topic, 'process');
    } else if (entrypoint.kind === 'http') {
      // OpenTelemetry's HTTP server span name: the method and the route as declared.
      name = `${entrypoint.httpMethod} ${entrypoint.path}`;
      attributes['http.request.method'] = entrypoint.httpMethod;
      attributes['http.route'] = entrypoint.path;
    } else {
      name = `timer ${this.service}.${entrypoint.method}`;
    }
    const parent = remoteContext(call.details);
    const span = this.tracing.start(name, INBOUND_KIND[entrypoint.kind], parent, attributes);
    if (span.isRecording()) {
      this.recordSession(span);
      span.setAttribute('wservice.method', entrypoint.method);
      if (call.caller !== undefined) span.setAttribute('wamp.caller', call.caller);
      if (call.callerAuthid !== undefined) span.setAttribute('wamp.caller_authid', call.callerAuthid);
    }
    return { span, context: new DeferredSpanContext(parent, span) };
  }

  /** The CLIENT span of a call to `procedure`. */
  call(procedure: string): OutboundSpan {
    const attributes: Attributes = {};
    rpcAttributes(attributes, procedure);
    return this.outbound(procedure, SpanKind.CLIENT, attributes);
  }

  /** The PRODUCER span of a publication to `topic` (pool deliveries carry it too). */
  publish(topic: string): OutboundSpan {
    const attributes: Attributes = {};
    messagingAttributes(attributes, topic, 'send');
    return this.outbound(`publish ${topic}`, SpanKind.PRODUCER, attributes);
  }

  /** Runs `send` under an outbound span, ending it as `send` settles. */
  async around<T>(outbound: OutboundSpan, send: () => Promise<T>): Promise<T> {
    try {
      const value = await send();
      endSpan(outbound.span);
      return value;
    } catch (err) {
      endSpan(outbound.span, err);
      throw err;
    }
  }

  private outbound(name: string, kind: SpanKind, attributes: Attributes): OutboundSpan {
    // The running call's span is the parent, whether or not the SDK has a context manager.
    const parent = currentContext()?.trace ?? activeContext.active();
    const span = this.tracing.start(name, kind, parent, attributes);
    if (span.isRecording()) this.recordSession(span);
    return { span, custom: traceAttributes(span.spanContext()) };
  }

  /** `wamp.session`, the service's session id, once the span records (see `inbound`). */
  private recordSession(span: Span): void {
    const session = this.connection.session?.id;
    if (session !== undefined) span.setAttribute('wamp.session', session);
  }
}

function rpcAttributes(attributes: Attributes, procedure: string): void {
  attributes['rpc.system'] = 'wamp';
  attributes['rpc.method'] = procedure;
  attributes['wamp.procedure'] = procedure;
}

function messagingAttributes(attributes: Attributes, topic: string, operation: 'send' | 'process'): void {
  attributes['messaging.system'] = 'wamp';
  attributes['messaging.destination.name'] = topic;
  attributes['messaging.operation.type'] = operation;
  attributes['wamp.topic'] = topic;
}

export { endSpan };
