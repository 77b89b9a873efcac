import type { RoleProcess } from './proc';

/** A request/response system under test: a caller role driving some set of processes. */
export interface RpcScenario {
  kind: 'rpc';
  name: string;
  /** Starts every process; `caller` answers `sequential` and `concurrent` commands. */
  setup(): Promise<{ caller: RoleProcess; router?: RoleProcess; processes: RoleProcess[] }>;
  /** Only run the 100-in-flight workload (e.g. the in-process comparison). */
  concurrentOnly?: boolean;
  /** A baseline, a third-party framework, or ours: what the row's ratios are taken against. */
  group: 'floor' | 'peer' | 'ours';
  /** How the caller reaches the callee: its batching floor is the one of the same transport. */
  link: 'ws' | 'tcp' | 'inprocess';
  /** Also measured after a full GC and after a long warm-up (`longLived*` metrics). */
  longLived?: boolean;
  /**
   * Every 100-in-flight measure runs this many times `concurrentCalls` (default 1): at millions
   * of calls/s, 50,000 calls last 15-40 ms, too short a window to read a GC regime from.
   */
  callsScale?: number;
}

/**
 * An HTTP request/response system under test: as an RpcScenario (the caller answers the same
 * commands), reported in its own table against the plain `node:http` handler of the same run.
 */
export interface HttpScenario extends Omit<RpcScenario, 'kind' | 'group' | 'link' | 'longLived'> {
  kind: 'http';
}

/**
 * An RPC row's processes again, calling with large arguments (`payloadOf`, 64 KiB to 1 MiB):
 * what the router (or relay) spends per byte of CALL frame, against its transport's floor.
 */
export interface PayloadScenario {
  kind: 'payload';
  name: string;
  group: 'floor' | 'ours';
  link: 'ws' | 'tcp';
  /** As the RPC row's; `caller` answers `payload`, `router` is the process measured. */
  setup: RpcScenario['setup'];
}

/** A publish/subscribe system under test. */
export interface PubSubScenario {
  kind: 'pubsub';
  name: string;
  /** Subscriber sessions; each event is delivered to every one of them. */
  subscribers: number;
  /** The router is ours and answers `countEventEncodes` / `eventEncodes` (EVENT serializations, counted after the measured window). */
  countsEncodes?: boolean;
  /** `publisher` answers `publish {count}`; `subscriber` answers `expect {count}` and notifies `done`. */
  setup(): Promise<{
    publisher: RoleProcess;
    subscriber: RoleProcess;
    router?: RoleProcess;
    processes: RoleProcess[];
  }>;
}

/** Idle sessions held open against a router, to measure its memory per session. */
export interface IdleScenario {
  kind: 'idle';
  name: string;
  sessions: number;
  /** `holder` answers `open {count}`; the router's RSS is read before and after. */
  setup(): Promise<{ holder: RoleProcess; router: RoleProcess; processes: RoleProcess[] }>;
}

export type Scenario = RpcScenario | HttpScenario | PayloadScenario | PubSubScenario | IdleScenario;

/** What identifies a scenario's results: its kind, name and, for pub/sub, its fan-out. */
export function scenarioKey(s: Scenario): string {
  return s.kind === 'pubsub' ? `pubsub 1→${s.subscribers}: ${s.name}` : `${s.kind}: ${s.name}`;
}

export async function stopAll(processes: RoleProcess[]): Promise<void> {
  await Promise.all(processes.map((p) => p.stop()));
}
