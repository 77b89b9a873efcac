import { BatchSpanProcessor, BasicTracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ServiceRunner, WServiceMetrics, WServiceTracing } from '../../src';
import { BenchService } from '../lib/bench-service';
import type { Role } from './entry';

/**
 * BenchService run by a ServiceRunner against an external router (`wservice run --router`).
 * With `observe`, metrics and tracing are on: a span per call recorded by the SDK and handed,
 * in batches, to an exporter that only counts them.
 */
export default async function svcHost(args: Record<string, unknown>): Promise<Role> {
  let exported = 0;
  const exporter: SpanExporter = {
    export: (spans, done) => {
      exported += spans.length;
      done({ code: 0 });
    },
    shutdown: async () => {},
  };
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
  const observed =
    args.observe === true
      ? { metrics: new WServiceMetrics(), tracing: new WServiceTracing({ tracerProvider: provider }) }
      : {};
  const runner = await ServiceRunner.start({
    services: [BenchService],
    router: String(args.url),
    ...observed,
  });
  return {
    commands: { spansExported: () => exported },
    close: async () => {
      await runner.stop();
      await provider.shutdown();
    },
  };
}
