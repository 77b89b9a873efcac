import { ServiceRunner, WServiceMetrics } from '../../src';
import { Router, type ListenerOptions } from '../../src/router';
import { BenchService } from '../lib/bench-service';
import { countEventEncodes } from '../lib/encode-counter';
import { BENCH_PERMISSIVE } from '../lib/wservice';
import type { Role } from './entry';

const WEBSOCKET: ListenerOptions = { type: 'websocket', host: '127.0.0.1', port: 0, path: '/ws' };
const RAWSOCKET: ListenerOptions = { type: 'rawsocket', host: '127.0.0.1', port: 0 };
const LISTENERS = [WEBSOCKET, RAWSOCKET];

/**
 * Our router on a WebSocket and a RawSocket listener. With `services`, it is the embedded
 * router of a ServiceRunner running BenchService in the same process (`wservice run`).
 * `maxSessions` raises the session limit for the idle-sessions scenario; `metrics` feeds
 * Prometheus metrics (`--metrics-port`'s) as it routes; `permissive` runs the development mode
 * (every session may do everything: no authorization work per message); `bridge` serves the HTTP bridge on the
 * WebSocket listener's port (`info.http`).
 */
export default async function wampRouter(args: Record<string, unknown>): Promise<Role> {
  const encodes = countEventEncodes();
  // The idle scenario opens thousands of sessions from one address, 64 at a time. The bridge
  // row's caller opens its 100 keep-alive connections at once, from one address too: over the
  // default 64 pending per address the oldest would be closed before their first request.
  const limits =
    args.maxSessions !== undefined
      ? { maxSessions: Number(args.maxSessions), maxPendingPerAddress: 256 }
      : args.bridge === true
        ? { maxPendingPerAddress: 256 }
        : undefined;
  const listeners: ListenerOptions[] =
    args.bridge === true ? [{ ...WEBSOCKET, type: 'websocket', bridge: true }, RAWSOCKET] : LISTENERS;
  let router: Router;
  let stop: () => Promise<void>;
  if (args.services === true) {
    const runner = await ServiceRunner.start({
      services: [BenchService],
      embedded: { listeners: LISTENERS, limits, permissive: BENCH_PERMISSIVE },
    });
    router = runner.router!;
    stop = () => runner.stop();
  } else {
    const metrics = args.metrics === true ? new WServiceMetrics() : undefined;
    router = await Router.start({
      listeners,
      limits,
      metrics,
      permissive: BENCH_PERMISSIVE || args.permissive === true,
    });
    stop = () => router.stop();
  }
  return {
    info: {
      ws: router.listeners[0].url,
      rs: router.listeners[1].url,
      http: router.listeners[0].url.replace(/^ws/, 'http').replace(/\/ws$/, ''),
    },
    commands: {
      /** From here on, EVENT serializations are counted (`eventEncodes` ends the count). */
      countEventEncodes: () => encodes.start(),
      eventEncodes: () => encodes.stop(),
      sessions: () => router.sessionCount,
      /** What the limits scenarios watch: sessions, pending links and buffered bytes. */
      limits: () => {
        const { sessions, pendingConnections, bufferedBytes } = router.stats;
        return { sessions, pendingConnections, bufferedBytes };
      },
    },
    close: stop,
  };
}
