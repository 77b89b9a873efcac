import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_HOST } from '../defaults';
import type { Logger } from '../logger';
import { listenOn } from '../transport/listener';
import type { WServiceMetrics } from './metrics';

/** What `/readyz` reports: ready or not, and why not. */
export interface Readiness {
  ready: boolean;
  /** What is missing, for people and probes' logs: `orders: starting`, `draining`. */
  reasons: string[];
}

export interface MetricsServerOptions {
  metrics: WServiceMetrics;
  /** Default 0 (a free port). */
  port?: number;
  /** Default 127.0.0.1: expose it to a network on purpose (`0.0.0.0`). */
  host?: string;
  /** Asked on every `/readyz`; default always ready. */
  readiness?: () => Readiness;
  logger?: Logger;
}

/** The HTTP endpoint of `--metrics-port`. */
export interface MetricsServer {
  /** `http://host:port`, with the real port. */
  readonly url: string;
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Serves `/metrics` (Prometheus text), `/healthz` (200 while the process serves HTTP) and
 * `/readyz` (200 when `readiness()` says ready, else 503 with the reasons), GET and HEAD only.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { metrics, readiness = () => ({ ready: true, reasons: [] }) } = options;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (path === '/metrics') {
      metrics.text().then(
        (text) => send(200, metrics.contentType, text),
        (err: unknown) => {
          options.logger?.error({ err }, 'metrics collection failed');
          send(500, 'text/plain; charset=utf-8', 'metrics collection failed\n');
        },
      );
    } else if (path === '/healthz') {
      send(200, JSON_TYPE, '{"status":"ok"}\n');
    } else if (path === '/readyz') {
      const state = readiness();
      send(
        state.ready ? 200 : 503,
        JSON_TYPE,
        `${JSON.stringify({ status: state.ready ? 'ready' : 'not ready', reasons: state.reasons })}\n`,
      );
    } else {
      send(404, 'text/plain; charset=utf-8', 'not found: try /metrics, /healthz or /readyz\n');
    }
  });
  const host = options.host ?? DEFAULT_HOST;
  const port = options.port ?? 0;
  await listenOn(server, { host, port }, `metrics port ${host}:${port}`);
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
