import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { MemoryReading } from '../roles/entry';
import type { RoleProcess } from './proc';
import {
  stopAll,
  type HttpScenario,
  type IdleScenario,
  type PayloadScenario,
  type PubSubScenario,
  type RpcScenario,
} from './scenario';
import { PAYLOAD_SIZES } from './payload';
import type { PayloadResult, SequentialResult } from './workload';

/** One scenario's measures in one round, by metric name. */
export type Sample = Record<string, number>;

/** Workload sizes; `main.ts` picks them (full or `--quick`). */
export interface Counts {
  sequentialCalls: number;
  concurrentCalls: number;
  inFlight: number;
  events: number;
  fanoutEvents: number;
  /** Bytes of CALL frames per payload size (the calls are this over the size). */
  payloadBytes: number;
  /** Calls in flight in the payload-size rows. */
  payloadInFlight: number;
  /** Calls of the long-lived phase's warm-up, between its "after a full GC" and "warmed" measures. */
  longLivedWarmup: number;
}

/** No delivery for this long while some are missing: the rest is taken as lost. */
const STALL_MS = 3000;
/** Upper bound on one pub/sub run, stall or not. */
const MAX_DELIVERY_MS = 120_000;

const seconds = (since: bigint): number => Number(process.hrtime.bigint() - since) / 1e9;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Peak RSS of every process of the scenario, as `peakMb:<label>`. */
function peaks(processes: RoleProcess[]): Sample {
  return Object.fromEntries(processes.map((p) => [`peakMb:${p.label}`, p.peakRssKb() / 1024]));
}

/** CPU time (µs) each process has used so far, by label. */
async function cpuTimes(processes: RoleProcess[]): Promise<number[]> {
  return Promise.all(processes.map((p) => p.request<number>('cpu')));
}

/** CPU µs per operation of every process over a phase, as `cpuUs:<label>`. */
function cpuPer(processes: RoleProcess[], before: number[], after: number[], operations: number): Sample {
  return Object.fromEntries(
    processes.map((p, i) => [`cpuUs:${p.label}`, (after[i] - before[i]) / operations]),
  );
}

export async function runRpc(scenario: RpcScenario | HttpScenario, rowCounts: Counts): Promise<Sample> {
  const scale = scenario.kind === 'rpc' ? (scenario.callsScale ?? 1) : 1;
  const counts = { ...rowCounts, concurrentCalls: rowCounts.concurrentCalls * scale };
  const { caller, processes } = await scenario.setup();
  try {
    const sample: Sample = {};
    const sequential = (): Promise<SequentialResult> =>
      caller.request<SequentialResult>('sequential', {
        count: counts.sequentialCalls,
        warmup: Math.ceil(counts.sequentialCalls / 10),
      });
    if (!scenario.concurrentOnly) {
      const seq = await sequential();
      sample.p50Us = seq.p50Us;
      sample.p99Us = seq.p99Us;
      sample.seqCallsPerS = seq.callsPerSecond;
    }
    // The warm-up is part of the measured CPU time: it counts as calls too.
    const warmup = Math.ceil(counts.concurrentCalls / 10);
    const cpuBefore = await cpuTimes(processes);
    sample.concCallsPerS = await caller.request<number>('concurrent', {
      total: counts.concurrentCalls,
      inFlight: counts.inFlight,
      warmup,
    });
    const cpuAfter = await cpuTimes(processes);
    const calls = counts.concurrentCalls + warmup;
    Object.assign(sample, cpuPer(processes, cpuBefore, cpuAfter, calls));
    if (scenario.kind === 'rpc' && !scenario.concurrentOnly) {
      // The same latency once the 100-in-flight phase has run the path tens of thousands of
      // times: what a long-running service sees, without the JIT's warm-up of fresh processes.
      const warm = await sequential();
      sample.warmP50Us = warm.p50Us;
      sample.warmP99Us = warm.p99Us;
      const pinned = await onOneCpu(processes, sequential);
      if (pinned !== undefined) sample.pinnedP50Us = pinned.p50Us;
    }
    if (scenario.kind === 'rpc' && scenario.longLived === true) {
      Object.assign(sample, await longLived(caller, processes, counts));
    }
    return { ...sample, ...peaks(processes) };
  } finally {
    await stopAll(processes);
  }
}

/** Sets the CPUs every thread of `pid` may run on (`taskset`); false where that is not possible. */
function setAffinity(pid: number, list: string): boolean {
  try {
    execFileSync('taskset', ['--all-tasks', '--pid', '--cpu-list', list, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `measure` with every process of the scenario on CPU 0, then lets them run anywhere
 * again; undefined where affinity cannot be set (no Linux `taskset`). At one call in flight
 * the scheduler either keeps the processes of a round trip on one CPU (a wake-up is a context
 * switch) or spreads them (a wake-up is an interrupt to a sleeping CPU, tens of µs on a VM),
 * and which one a run gets depends on the machine's other load: the p50 of one run is then
 * bimodal. On one CPU the latency is the CPU time of the round trip's path, summed over the
 * processes, whatever else the machine does.
 */
async function onOneCpu<T>(processes: RoleProcess[], measure: () => Promise<T>): Promise<T | undefined> {
  if (process.platform !== 'linux') return undefined;
  // Back to the CPUs the bench itself may use (it may run under taskset), also after a failure.
  const allowed = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  if (allowed === undefined) return undefined;
  try {
    return processes.every((p) => setAffinity(p.pid, '0')) ? await measure() : undefined;
  } finally {
    for (const p of processes) setAffinity(p.pid, allowed);
  }
}

/**
 * 100 in flight again as a long-lived process runs: `longLivedGc*` after a full GC in every
 * process of the scenario, `longLivedWarm*` after `longLivedWarmup` more calls, against the
 * fresh processes' figures of the first 100-in-flight phase. Each is measured as that one was
 * (warm-up calls counted in the CPU time), after a tenth of the calls unmeasured (after a full
 * GC the JIT warms up again, once): calls/s and CPU µs per call summed over the processes.
 */
async function longLived(caller: RoleProcess, processes: RoleProcess[], counts: Counts): Promise<Sample> {
  const { concurrentCalls: total, inFlight } = counts;
  const warmup = Math.ceil(total / 10);
  const measure = async (phase: string): Promise<Sample> => {
    await caller.request('concurrent', { total: warmup, inFlight, warmup: 0 });
    const before = await cpuTimes(processes);
    const callsPerS = await caller.request<number>('concurrent', { total, inFlight, warmup });
    const after = await cpuTimes(processes);
    const cpuUs = after.reduce((sum, t, i) => sum + t - before[i], 0) / (total + warmup);
    return { [`longLived${phase}CallsPerS`]: callsPerS, [`longLived${phase}CpuUs`]: cpuUs };
  };
  await Promise.all(processes.map((p) => p.request('gc')));
  const afterGc = await measure('Gc');
  await caller.request('concurrent', { total: counts.longLivedWarmup, inFlight, warmup: 0 });
  return { ...afterGc, ...(await measure('Warm')) };
}

/**
 * Every payload size in the same processes, smallest first: `calls:<size>` calls/s and, per
 * process, `nsPerByte:<label>:<size>`, its CPU ns per byte of CALL frame (the frame the caller
 * sends; the reply carries as many again), warm-up calls counted as in the RPC rows.
 */
export async function runPayload(scenario: PayloadScenario, counts: Counts): Promise<Sample> {
  const { caller, processes } = await scenario.setup();
  try {
    const sample: Sample = {};
    for (const bytes of PAYLOAD_SIZES) {
      const calls = Math.max(16, Math.round(counts.payloadBytes / bytes));
      const warmup = Math.ceil(calls / 10);
      const before = await cpuTimes(processes);
      const result = await caller.request<PayloadResult>('payload', {
        bytes,
        calls,
        inFlight: counts.payloadInFlight,
        warmup,
      });
      const after = await cpuTimes(processes);
      const frameBytes = result.frameBytes * (calls + warmup);
      sample[`calls:${bytes}`] = result.callsPerS;
      processes.forEach((p, i) => {
        sample[`nsPerByte:${p.label}:${bytes}`] = ((after[i] - before[i]) * 1000) / frameBytes;
      });
    }
    return { ...sample, ...peaks(processes) };
  } finally {
    await stopAll(processes);
  }
}

export async function runPubSub(scenario: PubSubScenario, counts: Counts): Promise<Sample> {
  const { publisher, subscriber, router, processes } = await scenario.setup();
  try {
    const events = scenario.subscribers > 1 ? counts.fanoutEvents : counts.events;
    // A tenth of the events first, unmeasured, as the RPC rows warm up: the JIT has compiled the
    // delivery path of every process before the measured window opens.
    const warmup = Math.ceil(events / 10);
    await subscriber.request('expect', { count: warmup * scenario.subscribers });
    const warmed = waitForDeliveries(subscriber, warmup * scenario.subscribers, process.hrtime.bigint());
    await publisher.request('publish', { count: warmup });
    await warmed;
    const expected = events * scenario.subscribers;
    await subscriber.request('expect', { count: expected });
    const cpuBefore = await cpuTimes(processes);
    const start = process.hrtime.bigint();
    const arrival = waitForDeliveries(subscriber, expected, start);
    await publisher.request('publish', { count: events });
    const { received, elapsedS } = await arrival;
    const cpuAfter = await cpuTimes(processes);
    const sample: Sample = {
      deliveriesPerS: received / elapsedS,
      arrivedPct: (100 * received) / expected,
      ...cpuPer(processes, cpuBefore, cpuAfter, expected),
    };
    if (scenario.countsEncodes && router) {
      // Counted after the measured window, over as many events as the warm-up: the counting
      // wrappers are not on the router's path while it is timed.
      await subscriber.request('expect', { count: warmup * scenario.subscribers });
      await router.request('countEventEncodes');
      const counted = waitForDeliveries(subscriber, warmup * scenario.subscribers, process.hrtime.bigint());
      await publisher.request('publish', { count: warmup });
      await counted;
      sample.encodesPerEvent = (await router.request<number>('eventEncodes')) / warmup;
    }
    return { ...sample, ...peaks(processes) };
  } finally {
    await stopAll(processes);
  }
}

/**
 * Resolves when the subscriber role has all `expected` deliveries, or when none came for
 * STALL_MS (a router that dropped events): how many arrived, and by when the last did.
 */
async function waitForDeliveries(
  subscriber: RoleProcess,
  expected: number,
  start: bigint,
): Promise<{ received: number; elapsedS: number }> {
  let doneAt: number | undefined;
  subscriber.waitFor('done', MAX_DELIVERY_MS).then(
    () => (doneAt = seconds(start)),
    () => undefined,
  );
  let last = -1;
  let lastAt = 0;
  for (;;) {
    await sleep(100);
    if (doneAt !== undefined) return { received: expected, elapsedS: doneAt };
    const received = await subscriber.request<number>('received');
    const now = seconds(start);
    if (doneAt !== undefined) return { received: expected, elapsedS: doneAt };
    if (received !== last) {
      last = received;
      lastAt = now;
    } else if ((now - lastAt) * 1000 > STALL_MS || now * 1000 > MAX_DELIVERY_MS) {
      return { received, elapsedS: lastAt };
    }
  }
}

export async function runIdle(scenario: IdleScenario): Promise<Sample> {
  const { holder, router, processes } = await scenario.setup();
  try {
    const before = await router.request<MemoryReading>('memory');
    const opened = await holder.request<number>('open', { count: scenario.sessions });
    // Let lazily allocated per-connection state (timers, buffers) settle before reading.
    await sleep(1000);
    const after = await router.request<MemoryReading>('memory');
    return {
      opened,
      rssKbPerSession: (after.rssKb - before.rssKb) / scenario.sessions,
      heapKbPerSession: (after.heapUsedKb - before.heapUsedKb) / scenario.sessions,
      ...peaks(processes),
    };
  } finally {
    await stopAll(processes);
  }
}
