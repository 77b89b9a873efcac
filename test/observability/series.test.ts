import fc from 'fast-check';
import { Counter, Histogram, Registry, type Metric } from 'prom-client';
import { CountSeries, LatencyHistogram } from '../../src/observability/series';
import { WServiceMetrics } from '../../src';
import { SplicedFrame } from '../../src/protocol/serializers/raw-payload';
import { parsePrometheus, sample } from '../helpers/prometheus';

const BOUNDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The series against prom-client's own Histogram and Counter fed the same observations. */
describe('metric series read at scrape time', () => {
  it('renders a LatencyHistogram line for line as prom-client renders its Histogram', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            procedure: fc.constantFrom('a.one', 'a.two', 'b "quoted"\\'),
            seconds: fc.oneof(fc.constantFrom(...BOUNDS, 0, 11), fc.double({ min: 0, max: 20, noNaN: true })),
          }),
          { maxLength: 60 },
        ),
        async (observations) => {
          const ours = new Registry();
          const theirs = new Registry();
          const histogram = new LatencyHistogram('latency_seconds', 'help text', BOUNDS);
          ours.registerMetric(histogram as unknown as Metric);
          const reference = new Histogram({
            name: 'latency_seconds',
            help: 'help text',
            labelNames: ['service', 'procedure'],
            buckets: BOUNDS,
            registers: [theirs],
          });
          const series = new Map<string, ReturnType<LatencyHistogram['series']>>();
          for (const { procedure, seconds } of observations) {
            const labels = { service: 's', procedure };
            if (!series.has(procedure)) series.set(procedure, histogram.series(labels));
            series.get(procedure)!.observe(seconds);
            reference.observe(labels, seconds);
          }
          expect(await ours.metrics()).toBe(await theirs.metrics());
          expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
          ours.resetMetrics();
          theirs.resetMetrics();
          // After a reset prom-client forgets its series; ours read 0 until observed again.
          const page = parsePrometheus(await ours.metrics());
          expect(page.every((s) => s.value === 0)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('hands a counter what its CountSeries added since the last scrape, beside direct increments', async () => {
    const registry = new Registry();
    const series = [new CountSeries({ procedure: 'a' }), new CountSeries({ procedure: 'b' })];
    const counter = new Counter({
      name: 'calls_total',
      help: 'h',
      labelNames: ['procedure'],
      registers: [registry],
      collect() {
        for (const s of series) {
          this.inc(s.labels, s.pending);
          s.pending = 0;
        }
      },
    });
    series[0].pending += 3;
    counter.inc({ procedure: 'b' }, 2);
    const first = parsePrometheus(await registry.metrics());
    expect(sample(first, 'calls_total', { procedure: 'a' })).toBe(3);
    expect(sample(first, 'calls_total', { procedure: 'b' })).toBe(2);
    series[0].pending += 1;
    series[1].pending += 5;
    const second = parsePrometheus(await registry.metrics());
    expect(sample(second, 'calls_total', { procedure: 'a' })).toBe(4);
    expect(sample(second, 'calls_total', { procedure: 'b' })).toBe(7);
  });

  it('WServiceMetrics counts router traffic per message type and direction, bytes of serialized frames', async () => {
    const metrics = new WServiceMetrics({ processMetrics: false });
    const sink = metrics.routerSink();
    sink.message('in', 48, '[48,1,{},"a.b"]');
    sink.message('in', 48, new Uint8Array(7));
    sink.message('out', 50, '[50,1,{}]');
    sink.message('out', 50, new SplicedFrame(new Uint8Array(3), new Uint8Array(4))); // a forwarded payload
    sink.message('out', 50, { in: 'process' } as never); // an in-process link: not serialized
    const page = parsePrometheus(await metrics.text());
    expect(sample(page, 'wservice_router_messages_total', { direction: 'in', type: 'CALL' })).toBe(2);
    expect(sample(page, 'wservice_router_bytes_total', { direction: 'in', type: 'CALL' })).toBe(15 + 7);
    expect(sample(page, 'wservice_router_messages_total', { direction: 'out', type: 'RESULT' })).toBe(3);
    expect(sample(page, 'wservice_router_bytes_total', { direction: 'out', type: 'RESULT' })).toBe(9 + 7);
    sink.message('in', 48, '[48]');
    const next = parsePrometheus(await metrics.text());
    expect(sample(next, 'wservice_router_messages_total', { direction: 'in', type: 'CALL' })).toBe(3);
  });
});
