export {
  WServiceMetrics,
  type MetricsOptions,
  type RouterMetricsSink,
  type RouterGauges,
  type ServiceGauges,
} from './metrics';
export { startMetricsServer, type MetricsServer, type MetricsServerOptions, type Readiness } from './http';
export {
  WServiceTracing,
  traceOptions,
  TRACEPARENT_ATTRIBUTE,
  TRACESTATE_ATTRIBUTE,
  type TracingOptions,
} from './tracing';
export { SNAPSHOT_PROCEDURE, snapshotOf, type MetricsSnapshot, type ProcedureTotals } from './snapshot';
