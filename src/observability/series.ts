import type { LabelValues } from 'prom-client';

/**
 * The series services and routers add to on their hot paths, as plain numbers: prom-client's
 * own `inc` / `observe` hash and check the labels on every call (about 1 µs each, several per
 * call), while these cost an addition. The metrics of `WServiceMetrics` read them when
 * prom-client collects, on each scrape.
 */

/** One labelled series of a counter: what was added since prom-client last collected it. */
export class CountSeries<L extends string = string> {
  pending = 0;

  constructor(readonly labels: LabelValues<L>) {}
}

/** The series of one procedure (or `@Http` route) of a service. */
export class ProcedureSeries {
  readonly calls: CountSeries<'service' | 'procedure'>;
  readonly latency: LatencySeries;
  private readonly errors = new Map<string, CountSeries<'service' | 'procedure' | 'error'>>();

  constructor(
    readonly labels: Readonly<Record<'service' | 'procedure', string>>,
    private readonly errorSeries: CountSeries<'service' | 'procedure' | 'error'>[],
    latency: LatencyHistogram,
  ) {
    this.calls = new CountSeries(labels);
    this.latency = latency.series(labels);
  }

  /** The error series of `uri`, made on its first error. */
  error(uri: string): CountSeries {
    return seriesOf(this.errors, uri, this.errorSeries, { ...this.labels, error: uri });
  }
}

/** The series of one subscription topic of a service. */
export class TopicSeries {
  readonly events: CountSeries<'service' | 'topic'>;
  private readonly errors = new Map<string, CountSeries<'service' | 'topic' | 'error'>>();

  constructor(
    labels: Readonly<Record<'service' | 'topic', string>>,
    private readonly errorSeries: CountSeries<'service' | 'topic' | 'error'>[],
  ) {
    this.events = new CountSeries(labels);
  }

  error(uri: string): CountSeries {
    return seriesOf(this.errors, uri, this.errorSeries, { ...this.events.labels, error: uri });
  }
}

/** Workers running now in the instances of one service. */
export interface ServiceLoad {
  inFlight: number;
}

function seriesOf<L extends string>(
  byKey: Map<string, CountSeries<L>>,
  key: string,
  all: CountSeries<L>[],
  labels: LabelValues<L>,
): CountSeries<L> {
  let series = byKey.get(key);
  if (series === undefined) {
    series = new CountSeries(labels);
    byKey.set(key, series);
    all.push(series);
  }
  return series;
}

/** Latencies of one labelled series: counts per bucket (not cumulative), their sum and count. */
export class LatencySeries {
  readonly buckets: number[];
  sum = 0;
  count = 0;

  constructor(
    readonly labels: LabelValues<string>,
    private readonly bounds: readonly number[],
  ) {
    this.buckets = bounds.map(() => 0);
  }

  observe(seconds: number): void {
    const { bounds } = this;
    let i = 0;
    while (i < bounds.length && seconds > bounds[i]) i++;
    // Above the last bound: only the +Inf bucket, which is the count.
    if (i < bounds.length) this.buckets[i] += 1;
    this.sum += seconds;
    this.count += 1;
  }

  reset(): void {
    this.buckets.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}

/** One line of a metric as prom-client's registry renders it. */
interface ExportedValue {
  value: number;
  labels: LabelValues<string>;
  sharedLabels?: LabelValues<string>;
  metricName: string;
  /** What prom-client's buckets carry without exemplars. */
  exemplar?: null;
}

interface ExportedMetric {
  name: string;
  help: string;
  type: string;
  aggregator: string;
  values: ExportedValue[];
}

/**
 * A Prometheus histogram whose series are `LatencySeries`. It is registered in a prom-client
 * `Registry` beside prom-client's own metrics and reads as they do (`get()`, `reset()`,
 * name, help, type, aggregator): the page and the JSON are those of prom-client's `Histogram`.
 */
export class LatencyHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly all: LatencySeries[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {}

  /** A new series with these labels; the caller keeps it (one per label set). */
  series(labels: LabelValues<string>): LatencySeries {
    const series = new LatencySeries(labels, this.bounds);
    this.all.push(series);
    return series;
  }

  /** What the registry renders: each series' labels shared by its lines, as prom-client's. */
  getForPromString(): Promise<ExportedMetric> {
    const { name, bounds } = this;
    const [bucket, sum, count] = [`${name}_bucket`, `${name}_sum`, `${name}_count`];
    const values: ExportedValue[] = [];
    for (const series of this.all) {
      const sharedLabels = series.labels;
      let cumulative = 0;
      bounds.forEach((le, i) => {
        cumulative += series.buckets[i];
        values.push({ labels: { le }, sharedLabels, value: cumulative, metricName: bucket, exemplar: null });
      });
      values.push({
        labels: { le: '+Inf' },
        sharedLabels,
        value: series.count,
        metricName: bucket,
        exemplar: null,
      });
      values.push({ labels: {}, sharedLabels, value: series.sum, metricName: sum });
      values.push({ labels: {}, sharedLabels, value: series.count, metricName: count });
    }
    return Promise.resolve({ name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  /** The metric as `registry.getMetricsAsJSON()` gives it: every label on each value. */
  async get(): Promise<ExportedMetric> {
    const metric = await this.getForPromString();
    const values = metric.values.map(({ labels, sharedLabels, ...rest }) => ({
      ...rest,
      labels: { ...labels, ...sharedLabels },
    }));
    return { ...metric, values };
  }

  reset(): void {
    for (const series of this.all) series.reset();
  }
}
