import { randomBytes } from 'node:crypto';
import type { Connection } from '../client/connection';
import { exactRegistrations } from '../client/meta-registrations';
import type { Logger } from '../logger';
import type { WServiceMetrics } from './metrics';

/**
 * `wservice.metrics.snapshot`: the per-procedure call metrics of every process on the router
 * that publishes them, as plain JSON for pages and scripts (the dashboard's charts). Each
 * process registers `wservice.metrics.snapshot.<key>` answering its own registry, and the
 * shared `wservice.metrics.snapshot`, which finds those in the registration meta API and adds
 * them up, as `wservice.describe` does for contracts.
 */
export const SNAPSHOT_PROCEDURE = 'wservice.metrics.snapshot';

/** One procedure's totals since its process started: a reader takes differences over time. */
export interface ProcedureTotals {
  service: string;
  /** The URI, or `GET /books/:isbn` for an @Http route. */
  procedure: string;
  calls: number;
  /** Calls that ended in an error, whatever its URI. */
  errors: number;
  /** The summed duration of the calls timed, in seconds, and how many were timed. */
  seconds: number;
  count: number;
}

export interface MetricsSnapshot {
  /** When it was read (ms since the epoch), to turn totals into rates. */
  at: number;
  procedures: ProcedureTotals[];
}

/** The per-procedure totals of one registry. */
export async function snapshotOf(metrics: WServiceMetrics): Promise<MetricsSnapshot> {
  const byKey = new Map<string, ProcedureTotals>();
  const entry = (labels: Partial<Record<string, string | number>>): ProcedureTotals => {
    const service = String(labels.service ?? '');
    const procedure = String(labels.procedure ?? '');
    const key = `${service}\u0000${procedure}`;
    let totals = byKey.get(key);
    if (totals === undefined)
      byKey.set(key, (totals = { service, procedure, calls: 0, errors: 0, seconds: 0, count: 0 }));
    return totals;
  };
  const [calls, errors, duration] = await Promise.all([
    metrics.calls.get(),
    metrics.callErrors.get(),
    metrics.callDuration.get(),
  ]);
  for (const v of calls.values) entry(v.labels).calls += v.value;
  for (const v of errors.values) entry(v.labels).errors += v.value;
  for (const v of duration.values) {
    const name = (v as { metricName?: string }).metricName;
    if (name?.endsWith('_sum')) entry(v.labels).seconds += v.value;
    else if (name?.endsWith('_count')) entry(v.labels).count += v.value;
  }
  return { at: Date.now(), procedures: [...byKey.values()] };
}

/** Adds up the snapshots of several processes, procedure by procedure. */
export function mergeSnapshots(snapshots: readonly MetricsSnapshot[]): MetricsSnapshot {
  const byKey = new Map<string, ProcedureTotals>();
  for (const snapshot of snapshots) {
    for (const p of snapshot.procedures) {
      const key = `${p.service}\u0000${p.procedure}`;
      const sum = byKey.get(key);
      if (sum === undefined) byKey.set(key, { ...p });
      else {
        sum.calls += p.calls;
        sum.errors += p.errors;
        sum.seconds += p.seconds;
        sum.count += p.count;
      }
    }
  }
  const procedures = [...byKey.values()].sort((a, b) => a.procedure.localeCompare(b.procedure));
  return { at: Date.now(), procedures };
}

/** One key per registry: runners sharing one (`wservice run`'s files) share its registration. */
const keys = new WeakMap<WServiceMetrics, string>();

function keyOf(metrics: WServiceMetrics): string {
  let key = keys.get(metrics);
  if (key === undefined) keys.set(metrics, (key = `p${process.pid}_${randomBytes(4).toString('hex')}`));
  return key;
}

/**
 * Registers this process's `wservice.metrics.snapshot.<key>` and the shared
 * `wservice.metrics.snapshot` on `connection` (shared registrations: other runners and
 * processes offer them too). A router that refuses them is logged; the services still run.
 */
export async function publishMetricsSnapshot(
  connection: Connection,
  metrics: WServiceMetrics,
  logger: Logger,
): Promise<void> {
  const own = `${SNAPSHOT_PROCEDURE}.${keyOf(metrics)}`;
  const register = async (procedure: string, answer: () => Promise<MetricsSnapshot>): Promise<void> => {
    try {
      await connection.register(procedure, () => answer(), { invoke: 'roundrobin' });
    } catch (err) {
      logger.warn({ err, procedure }, `could not publish ${procedure}: ${(err as Error).message}`);
    }
  };
  await register(own, () => snapshotOf(metrics));
  await register(SNAPSHOT_PROCEDURE, () => snapshotOfAll(connection));
}

/** Every `wservice.metrics.snapshot.<key>` on the router, added up. */
async function snapshotOfAll(connection: Connection): Promise<MetricsSnapshot> {
  const prefix = `${SNAPSHOT_PROCEDURE}.`;
  const own = (await exactRegistrations(connection)).filter((r) => r.uri.startsWith(prefix));
  const snapshots = await Promise.all(
    own.map(({ uri }) =>
      connection.call(uri).then(
        (result) => result.args[0] as MetricsSnapshot,
        () => undefined, // gone between the listing and the call
      ),
    ),
  );
  return mergeSnapshots(snapshots.filter((s): s is MetricsSnapshot => s !== undefined));
}
