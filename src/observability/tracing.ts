import {
  createTraceState,
  isValidSpanId,
  isValidTraceId,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanContext,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { ErrorUri } from '../protocol/errors';

/**
 * OpenTelemetry tracing of services (`@opentelemetry/api` only: the SDK, its exporter and its
 * sampler stay the application's choice). A span per outbound call (CLIENT), inbound
 * invocation (SERVER), publication (PRODUCER) and event (CONSUMER); the W3C trace context
 * travels in the WAMP Options / Details as the custom attributes `x_traceparent` and
 * `x_tracestate`, so one trace follows a call through every service and through any WAMP
 * peer that forwards custom attributes (every router does; autobahn-js sends what its caller
 * puts in the options).
 */

/** The custom attribute (`x_`, the autobahn / Crossbar.io convention) carrying W3C `traceparent`. */
export const TRACEPARENT_ATTRIBUTE = 'x_traceparent';
/** The custom attribute carrying W3C `tracestate`, when the trace has one. */
export const TRACESTATE_ATTRIBUTE = 'x_tracestate';

export interface TracingOptions {
  /**
   * Where spans go. Default: the global provider, i.e. the SDK the application registered
   * (`trace.setGlobalTracerProvider`, `NodeTracerProvider.register()`); without one every span
   * is a no-op.
   */
  tracerProvider?: TracerProvider;
}

/**
 * Turns tracing on for `ServiceRunner.start({ tracing })` (`wservice run` makes one when the
 * configuration has `tracing:`). Without it services start no span at all.
 *
 * @example
 * ```ts
 * const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
 * await ServiceRunner.start({ services, tracing: new WServiceTracing({ tracerProvider: provider }) });
 * ```
 */
export class WServiceTracing {
  readonly tracer: Tracer;

  constructor(options: TracingOptions = {}) {
    this.tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer('wservice');
  }

  /** A span of `kind` under `parent`; ended by `endSpan`. */
  start(name: string, kind: SpanKind, parent: Context, attributes: Attributes): Span {
    return this.tracer.startSpan(name, { kind, attributes }, parent);
  }
}

/**
 * `trace.setSpan(parent, span)`, made when something first reads it. An inbound span's context
 * is handed to the worker and to the context manager on every call, but read only when the
 * handler starts spans of its own or calls out (or a context manager that keeps contexts asks
 * for a value): the SDK's context is a copied `Map` and three closures, about as dear as a
 * quarter of a recorded span, for nothing when no one reads it. Contexts are immutable, so
 * making it later gives every reader the same values.
 */
export class DeferredSpanContext implements Context {
  private made?: Context;

  constructor(
    private readonly parent: Context,
    private readonly span: Span,
  ) {}

  getValue(key: symbol): unknown {
    return this.context().getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return this.context().setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return this.context().deleteValue(key);
  }

  private context(): Context {
    this.made ??= trace.setSpan(this.parent, this.span);
    return this.made;
  }
}

/** Ends `span`, with the error's URI (`wamp.error`) and an error status when it failed. */
export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    const uri = errorUri(error);
    span.setAttribute('wamp.error', uri);
    span.setStatus({ code: SpanStatusCode.ERROR, message: messageOf(error) ?? uri });
  }
  span.end();
}

/**
 * The URI a failure has on the wire: a `WampError`'s or `RemoteError`'s own, else the
 * application error URI a callee sends for any other exception.
 */
export function errorUri(error: unknown): string {
  const uri = (error as { uri?: unknown } | null)?.uri;
  return typeof uri === 'string' ? uri : ErrorUri.APPLICATION_ERROR;
}

function messageOf(error: unknown): string | undefined {
  return error instanceof Error && error.message !== '' ? error.message : undefined;
}

/** The custom attributes carrying `span`'s context to the next hop. */
export function traceAttributes(spanContext: SpanContext): Record<string, string> {
  const attributes: Record<string, string> = { [TRACEPARENT_ATTRIBUTE]: formatTraceparent(spanContext) };
  const state = spanContext.traceState?.serialize();
  if (state) attributes[TRACESTATE_ATTRIBUTE] = state;
  return attributes;
}

/**
 * The custom attributes for a call or publication made outside a service (a gateway, a
 * script) with the active span, or `context`'s, as parent; empty without a valid span.
 *
 * @example
 * ```ts
 * await client.call('orders.place', [order], {}, { custom: traceOptions() });
 * ```
 */
export function traceOptions(context?: Context): Record<string, string> {
  const spanContext =
    context === undefined ? trace.getActiveSpan()?.spanContext() : trace.getSpanContext(context);
  return spanContext !== undefined && isValidTraceId(spanContext.traceId) && isValidSpanId(spanContext.spanId)
    ? traceAttributes(spanContext)
    : {};
}

/** The context a remote peer passed in Details (`x_traceparent`, `x_tracestate`), or the root context. */
export function remoteContext(details: Readonly<Record<string, unknown>> | undefined): Context {
  const parent = details?.[TRACEPARENT_ATTRIBUTE];
  if (typeof parent !== 'string') return ROOT_CONTEXT;
  const spanContext = parseTraceparent(parent);
  if (spanContext === undefined) return ROOT_CONTEXT;
  const state = details?.[TRACESTATE_ATTRIBUTE];
  if (typeof state === 'string' && state.length <= 512) spanContext.traceState = createTraceState(state);
  return trace.setSpanContext(ROOT_CONTEXT, spanContext);
}

/** The W3C Trace Context HTTP headers (lower case, as node:http gives them). */
export const TRACEPARENT_HEADER = 'traceparent';
export const TRACESTATE_HEADER = 'tracestate';

/**
 * The custom attributes (`x_traceparent`, `x_tracestate`) of an HTTP request's W3C
 * `traceparent` / `tracestate` headers: what `@Http` requests and bridge calls carry on, so a
 * trace begun in a browser, a gateway or curl continues. Empty when `traceparent` is missing
 * or malformed (spec: then `tracestate` is ignored too); `tracestate` over 512 characters is
 * dropped, as it is over WAMP.
 */
export function traceAttributesOfHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, string> {
  const parent = headers[TRACEPARENT_HEADER];
  const spanContext = typeof parent === 'string' ? parseTraceparent(parent.trim()) : undefined;
  if (spanContext === undefined) return {};
  const attributes: Record<string, string> = { [TRACEPARENT_ATTRIBUTE]: formatTraceparent(spanContext) };
  // spec: several tracestate headers are one list, joined by commas.
  const raw = headers[TRACESTATE_HEADER];
  const state = (Array.isArray(raw) ? raw.join(',') : raw)?.trim();
  if (state !== undefined && state !== '' && state.length <= 512) attributes[TRACESTATE_ATTRIBUTE] = state;
  return attributes;
}

// W3C Trace Context: version-traceid-parentid-flags, lower-case hex.
const TRACEPARENT = /^([\da-f]{2})-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})(-.*)?$/;

/** A W3C `traceparent` header value as a remote span context; undefined when invalid. */
export function parseTraceparent(value: string): SpanContext | undefined {
  const match = value.length <= 512 ? TRACEPARENT.exec(value) : null;
  if (match === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  // spec: version ff is invalid; version 00 has exactly four fields; later versions may add more.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (!isValidTraceId(traceId) || !isValidSpanId(spanId)) return undefined;
  return { traceId, spanId, traceFlags: parseInt(flags, 16) & 0x01, isRemote: true };
}

/** `span`'s context as a W3C `traceparent` value (version 00). */
export function formatTraceparent(spanContext: SpanContext): string {
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

export { SpanKind };
