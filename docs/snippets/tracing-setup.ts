// A tracing set-up module for `wservice run` (`tracing.setup` in wservice.config.yaml): it
// chooses the SDK and where spans go. This one writes each finished span as a JSON line to
// $TRACE_FILE; test/observability/tracing-cli.test.ts runs it.
// #region setup
import { appendFileSync } from 'node:fs';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

class JsonLinesExporter implements SpanExporter {
  constructor(private readonly file: string) {}

  export(spans: ReadableSpan[], done: Parameters<SpanExporter['export']>[1]): void {
    const lines = spans.map((span) =>
      JSON.stringify({
        name: span.name,
        kind: span.kind,
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        parentSpanId: span.parentSpanContext?.spanId,
        attributes: span.attributes,
        status: span.status,
      }),
    );
    appendFileSync(this.file, lines.map((line) => `${line}\n`).join(''));
    done({ code: 0 }); // ExportResultCode.SUCCESS
  }

  async shutdown(): Promise<void> {}
}

// wservice run flushes and shuts this provider down when it stops.
export const tracerProvider = new BasicTracerProvider({
  spanProcessors: [new BatchSpanProcessor(new JsonLinesExporter(process.env.TRACE_FILE ?? 'spans.jsonl'))],
});
// #endregion
