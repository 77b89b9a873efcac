import { Counter, Gauge, Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import { messageName } from '../protocol/messages';
import type { Frame } from '../protocol/serializer';
import { SplicedFrame } from '../protocol/serializers/raw-payload';
import type { RouterStats } from '../router/router';
import { CountSeries, LatencyHistogram, ProcedureSeries, TopicSeries, type ServiceLoad } from './series';

/**
 * Prometheus metrics (prom-client) of services and routers. One `WServiceMetrics` holds one
 * registry; `ServiceRunner` and `Router` feed it when given it (`metrics` option), and
 * `startMetricsServer` serves it over HTTP. Labels are bounded: service names, the procedures
 * and subscription topics services declare, WAMP message types, error URIs.
 */

/** What a router reports as it runs; `Router.start({ metrics })` sets it. */
export interface RouterMetricsSink {
  /** A message received from (`in`) or sent to (`out`) a peer, with its frame. */
  message(direction: 'in' | 'out', type: number, frame: Frame | SplicedFrame): void;
  /** A session refused before it was established (ABORT), by reason URI. */
  sessionRefused(reason: string): void;
  /** An authentication refused, by authmethod and reason URI. */
  authenticationRefused(method: string, reason: string): void;
}

/** What a router shows on each scrape (`router.stats`). */
export interface RouterGauges {
  readonly stats: RouterStats;
}

/** What a service instance shows on each scrape. */
export interface ServiceGauges {
  readonly name: string;
  /** Calls waiting for a concurrency slot. */
  readonly queued: number;
  /** Calls refused with wservice.error.overloaded so far. */
  readonly overloaded: number;
}

export interface MetricsOptions {
  /** The registry to fill; default a new one. */
  registry?: Registry;
  /** Also Node's process metrics (CPU, memory, event loop lag, GC). Default true. */
  processMetrics?: boolean;
}

/** Latency buckets, seconds: 0.5 ms to 10 s. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Bytes of a serialized frame; 0 for an in-process link, which passes messages unserialized. */
const frameBytes = (frame: Frame | SplicedFrame): number =>
  typeof frame === 'string'
    ? Buffer.byteLength(frame)
    : frame instanceof Uint8Array || frame instanceof SplicedFrame
      ? frame.byteLength
      : 0;

/** The messages and bytes of one message type in one direction. */
interface TrafficSeries {
  readonly messages: CountSeries<'direction' | 'type'>;
  readonly bytes: CountSeries<'direction' | 'type'>;
}

export class WServiceMetrics {
  readonly registry: Registry;
  private readonly services = new Set<ServiceGauges>();
  private readonly routers = new Set<RouterGauges>();
  private readonly procedures = new Map<string, ProcedureSeries>();
  private readonly topics = new Map<string, TopicSeries>();
  private readonly loads = new Map<string, ServiceLoad>();
  /** Index 0 inbound, 1 outbound; each by message type. */
  private readonly traffic: [TrafficSeries[], TrafficSeries[]] = [[], []];
  private readonly callSeries: CountSeries<'service' | 'procedure'>[] = [];
  private readonly callErrorSeries: CountSeries<'service' | 'procedure' | 'error'>[] = [];
  private readonly eventSeries: CountSeries<'service' | 'topic'>[] = [];
  private readonly eventErrorSeries: CountSeries<'service' | 'topic' | 'error'>[] = [];
  private readonly messageSeries: CountSeries<'direction' | 'type'>[] = [];
  private readonly byteSeries: CountSeries<'direction' | 'type'>[] = [];

  readonly calls: Counter<'service' | 'procedure'>;
  readonly callErrors: Counter<'service' | 'procedure' | 'error'>;
  readonly callDuration: LatencyHistogram;
  readonly inFlight: Gauge<'service'>;
  readonly events: Counter<'service' | 'topic'>;
  readonly eventErrors: Counter<'service' | 'topic' | 'error'>;
  readonly routerMessages: Counter<'direction' | 'type'>;
  readonly routerBytes: Counter<'direction' | 'type'>;
  readonly refusedSessions: Counter<'reason'>;
  readonly refusedAuthentications: Counter<'method' | 'reason'>;

  constructor(options: MetricsOptions = {}) {
    const registry = (this.registry = options.registry ?? new Registry());
    if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
    const services = this.services;
    const routers = this.routers;
    const sum = (pick: (r: RouterStats) => number) =>
      [...routers].reduce((total, r) => total + pick(r.stats), 0);
    const registers = [registry];
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      new Counter<L>({ name, help, labelNames, registers });
    // Counters fed by CountSeries: what was added since the last scrape goes in at collect.
    const pendingCounter = <L extends string>(
      name: string,
      help: string,
      labelNames: L[],
      series: readonly CountSeries<L>[],
    ) =>
      new Counter<L>({
        name,
        help,
        labelNames,
        registers,
        collect() {
          for (const s of series) {
            if (s.pending === 0) continue;
            this.inc(s.labels, s.pending);
            s.pending = 0;
          }
        },
      });
    const loads = this.loads;

    this.calls = pendingCounter(
      'wservice_calls_total',
      'RPC calls a service handled, by procedure',
      ['service', 'procedure'],
      this.callSeries,
    );
    this.callErrors = pendingCounter(
      'wservice_call_errors_total',
      'RPC calls that ended in an error, by procedure and error URI (wservice.error.application for an exception)',
      ['service', 'procedure', 'error'],
      this.callErrorSeries,
    );
    this.callDuration = new LatencyHistogram(
      'wservice_call_duration_seconds',
      'Time from the start of an RPC worker to its result',
      LATENCY_BUCKETS,
    );
    // Read by the registry as its own metrics are (see LatencyHistogram).
    registry.registerMetric(this.callDuration as unknown as Metric);
    this.inFlight = new Gauge({
      name: 'wservice_calls_in_flight',
      help: 'Entrypoint workers running now',
      labelNames: ['service'],
      registers,
      collect() {
        for (const [service, load] of loads) this.set({ service }, load.inFlight);
      },
    });
    new Gauge({
      name: 'wservice_calls_queued',
      help: 'Calls waiting for a concurrency slot (maxConcurrency)',
      labelNames: ['service'],
      registers,
      collect() {
        this.reset();
        for (const s of services) this.inc({ service: s.name }, s.queued);
      },
    });
    new Counter({
      name: 'wservice_calls_overloaded_total',
      help: 'Calls refused with wservice.error.overloaded (queue full)',
      labelNames: ['service'],
      registers,
      collect() {
        this.reset();
        for (const s of services) this.inc({ service: s.name }, s.overloaded);
      },
    });
    this.events = pendingCounter(
      'wservice_events_total',
      'Events a service handled, by subscription topic',
      ['service', 'topic'],
      this.eventSeries,
    );
    this.eventErrors = pendingCounter(
      'wservice_event_errors_total',
      'Event handlers that failed, by subscription topic and error URI',
      ['service', 'topic', 'error'],
      this.eventErrorSeries,
    );
    this.routerMessages = pendingCounter(
      'wservice_router_messages_total',
      'WAMP messages the router received (in) and sent (out), by type',
      ['direction', 'type'],
      this.messageSeries,
    );
    this.routerBytes = pendingCounter(
      'wservice_router_bytes_total',
      'Bytes of the serialized WAMP messages the router received (in) and sent (out), by type',
      ['direction', 'type'],
      this.byteSeries,
    );
    this.refusedSessions = counter(
      'wservice_router_sessions_refused_total',
      'Sessions the router refused before establishing them (ABORT), by reason',
      ['reason'],
    );
    this.refusedAuthentications = counter(
      'wservice_router_authentications_refused_total',
      'Authentications the router refused, by authmethod and reason',
      ['method', 'reason'],
    );
    const routerGauge = (name: string, help: string, pick: (r: RouterStats) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(sum(pick));
        },
      });
    routerGauge('wservice_router_sessions', 'Sessions holding a session id', (s) => s.sessions);
    routerGauge('wservice_router_transports', 'Open links, with or without a session', (s) => s.transports);
    routerGauge('wservice_router_registrations', 'Registrations held', (s) => s.registrations);
    routerGauge('wservice_router_subscriptions', 'Subscriptions held', (s) => s.subscriptions);
    routerGauge(
      'wservice_router_calls_in_flight',
      'Calls routed and not answered yet',
      (s) => s.callsInFlight,
    );
    routerGauge(
      'wservice_router_pending_connections',
      'Connections not joined yet',
      (s) => s.pendingConnections,
    );
    routerGauge(
      'wservice_router_buffered_bytes',
      'Bytes waiting in outbound buffers',
      (s) => s.bufferedBytes,
    );
    new Counter({
      name: 'wservice_router_events_dropped_total',
      help: 'Events not delivered to slow subscribers (outbound buffer over its soft limit)',
      registers,
      collect() {
        this.reset();
        this.inc(sum((s) => s.droppedEvents));
      },
    });
  }

  /** The text a Prometheus server scrapes. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  /** The Content-Type of `text()`. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Shows `service`'s gauges on every scrape until the returned function is called. */
  watchService(service: ServiceGauges): () => void {
    this.services.add(service);
    return () => this.services.delete(service);
  }

  /** Shows `router`'s gauges on every scrape until the returned function is called. */
  watchRouter(router: RouterGauges): () => void {
    this.routers.add(router);
    return () => this.routers.delete(router);
  }

  /** The sink a router reports its traffic to. */
  routerSink(): RouterMetricsSink {
    return {
      message: (direction, type, frame) => {
        const series = this.trafficOf(direction, type);
        series.messages.pending += 1;
        series.bytes.pending += frameBytes(frame);
      },
      sessionRefused: (reason) => this.refusedSessions.inc({ reason }),
      authenticationRefused: (method, reason) => this.refusedAuthentications.inc({ method, reason }),
    };
  }

  /** The series of `service`'s `procedure` (or route), made on first use; callers keep it. */
  procedure(service: string, procedure: string): ProcedureSeries {
    const key = `${service}\u0000${procedure}`;
    let series = this.procedures.get(key);
    if (series === undefined) {
      series = new ProcedureSeries({ service, procedure }, this.callErrorSeries, this.callDuration);
      this.procedures.set(key, series);
      this.callSeries.push(series.calls);
    }
    return series;
  }

  /** The series of `service`'s subscription `topic`, made on first use; callers keep it. */
  topic(service: string, topic: string): TopicSeries {
    const key = `${service}\u0000${topic}`;
    let series = this.topics.get(key);
    if (series === undefined) {
      series = new TopicSeries({ service, topic }, this.eventErrorSeries);
      this.topics.set(key, series);
      this.eventSeries.push(series.events);
    }
    return series;
  }

  /** The in-flight count of `service`, shared by its instances. */
  load(service: string): ServiceLoad {
    let load = this.loads.get(service);
    if (load === undefined) {
      load = { inFlight: 0 };
      this.loads.set(service, load);
    }
    return load;
  }

  private trafficOf(direction: 'in' | 'out', type: number): TrafficSeries {
    const byType = this.traffic[direction === 'in' ? 0 : 1];
    let series = byType[type];
    if (series === undefined) {
      const labels = { direction, type: messageName(type) };
      series = { messages: new CountSeries(labels), bytes: new CountSeries(labels) };
      byType[type] = series;
      this.messageSeries.push(series.messages);
      this.byteSeries.push(series.bytes);
    }
    return series;
  }
}
