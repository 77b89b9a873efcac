export {
  WServiceMetrics,
  type MetricsOptions,
  type RouterMetricsSink,
  type RouterGauges,
  type ServiceGauges,
} from './metrics';
export { startMetricsServer, type MetricsServer, type MetricsServerOptions, type Readiness } from './http';
