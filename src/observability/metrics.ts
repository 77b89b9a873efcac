import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { messageName } from '../protocol/messages';
import type { Frame } from '../protocol/serializer';
import type { RouterStats } from '../router/router';

/**
 * Prometheus metrics (prom-client) of services and routers. One `WServiceMetrics` holds one
 * registry; `ServiceRunner` and `Router` feed it when given it (`metrics` option), and
 * `startMetricsServer` serves it over HTTP. Labels are bounded: service names, the procedures
 * and subscription topics services declare, WAMP message types, error URIs.
 */

/** What a router reports as it runs; `Router.start({ metrics })` sets it. */
export interface RouterMetricsSink {
  /** A message received from (`in`) or sent to (`out`) a peer, with its frame. */
  message(direction: 'in' | 'out', type: number, frame: Frame): void;
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
const frameBytes = (frame: Frame): number =>
  typeof frame === 'string' ? Buffer.byteLength(frame) : frame instanceof Uint8Array ? frame.byteLength : 0;

export class WServiceMetrics {
  readonly registry: Registry;
  private readonly services = new Set<ServiceGauges>();
  private readonly routers = new Set<RouterGauges>();
  private readonly names = new Map<number, string>();

  readonly calls: Counter<'service' | 'procedure'>;
  readonly callErrors: Counter<'service' | 'procedure' | 'error'>;
  readonly callDuration: Histogram<'service' | 'procedure'>;
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

    this.calls = counter('wservice_calls_total', 'RPC calls a service handled, by procedure', [
      'service',
      'procedure',
    ]);
    this.callErrors = counter(
      'wservice_call_errors_total',
      'RPC calls that ended in an error, by procedure and error URI (wservice.error.application for an exception)',
      ['service', 'procedure', 'error'],
    );
    this.callDuration = new Histogram({
      name: 'wservice_call_duration_seconds',
      help: 'Time from the start of an RPC worker to its result',
      labelNames: ['service', 'procedure'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.inFlight = new Gauge({
      name: 'wservice_calls_in_flight',
      help: 'Entrypoint workers running now',
      labelNames: ['service'],
      registers,
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
    this.events = counter('wservice_events_total', 'Events a service handled, by subscription topic', [
      'service',
      'topic',
    ]);
    this.eventErrors = counter(
      'wservice_event_errors_total',
      'Event handlers that failed, by subscription topic and error URI',
      ['service', 'topic', 'error'],
    );
    this.routerMessages = counter(
      'wservice_router_messages_total',
      'WAMP messages the router received (in) and sent (out), by type',
      ['direction', 'type'],
    );
    this.routerBytes = counter(
      'wservice_router_bytes_total',
      'Bytes of the serialized WAMP messages the router received (in) and sent (out), by type',
      ['direction', 'type'],
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
        const labels = { direction, type: this.typeName(type) };
        this.routerMessages.inc(labels);
        this.routerBytes.inc(labels, frameBytes(frame));
      },
      sessionRefused: (reason) => this.refusedSessions.inc({ reason }),
      authenticationRefused: (method, reason) => this.refusedAuthentications.inc({ method, reason }),
    };
  }

  private typeName(type: number): string {
    let name = this.names.get(type);
    if (name === undefined) {
      name = messageName(type);
      this.names.set(type, name);
    }
    return name;
  }
}
