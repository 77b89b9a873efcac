import type { TracerProvider } from '@opentelemetry/api';
import { ConfigError, type WServiceConfig } from '../src/config';
import { WServiceTracing } from '../src/observability';
import { registerTypeScript } from './loader';
import { colour } from './style';

/** Tracing of `wservice run`, and how to flush what the SDK still holds at stop. */
export interface TracingSetup {
  readonly tracing: WServiceTracing;
  /** Where spans go, for the summary line. */
  readonly destination: string;
  /** Flushes and shuts the set-up module's provider down (its exporter sends what is left). */
  shutdown(): Promise<void>;
}

interface ShutdownCapable {
  forceFlush?(): Promise<void>;
  shutdown?(): Promise<void>;
}

/**
 * The tracing the configuration asks for, or undefined when it is off. `tracing.setup` names
 * a module (JavaScript or TypeScript) run once before the services start: it registers an
 * SDK, and may export `tracerProvider` to use instead of the global one.
 */
export function setUpTracing(config: WServiceConfig): TracingSetup | undefined {
  const { enabled, setup } = config.tracing;
  if (!enabled) return undefined;
  if (setup === undefined) {
    return {
      tracing: new WServiceTracing(),
      destination: 'the global tracer provider',
      shutdown: async () => {},
    };
  }
  const provider = loadProvider(setup, config.file);
  return {
    tracing: new WServiceTracing(provider === undefined ? {} : { tracerProvider: provider }),
    destination: setup,
    shutdown: async () => {
      const ending = provider as (TracerProvider & ShutdownCapable) | undefined;
      await ending?.forceFlush?.();
      await ending?.shutdown?.();
    },
  };
}

function loadProvider(setup: string, file: string | undefined): TracerProvider | undefined {
  registerTypeScript();
  let exports: { tracerProvider?: unknown; default?: { tracerProvider?: unknown } };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exports = require(setup) as typeof exports;
  } catch (err) {
    throw new ConfigError(`tracing.setup: ${setup} could not be loaded: ${(err as Error).message}`, {
      file,
      key: 'tracing.setup',
    });
  }
  const provider = exports.tracerProvider ?? exports.default?.tracerProvider;
  if (provider === undefined) return undefined;
  if (typeof (provider as TracerProvider).getTracer !== 'function') {
    throw new ConfigError(`tracing.setup: ${setup} exports a tracerProvider without getTracer()`, {
      file,
      key: 'tracing.setup',
    });
  }
  return provider as TracerProvider;
}

/** The summary line saying where spans go. */
export function tracingLine(setup: TracingSetup | undefined): string {
  if (setup === undefined) return '';
  const c = colour(process.stdout);
  return `${c('dim', 'tracing')} spans to ${setup.destination} ${c('dim', '(trace context in x_traceparent)')}\n`;
}
