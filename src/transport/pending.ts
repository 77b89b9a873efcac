import type { Logger } from '../logger';
import { DEFAULT_MAX_PENDING, DEFAULT_MAX_PENDING_PER_ADDRESS } from './constants';
import { TransportError } from './transport';

/** Caps on connections that have not joined yet. */
export interface PendingLimits {
  /** Connections not yet joined, over every listener sharing the caps. Default 256. */
  maxPending?: number;
  /** Of those, from one remote address. Default 64. */
  maxPendingPerAddress?: number;
}

/** One pending connection: how to close it, and the call that says it is no longer pending. */
export interface PendingTicket {
  /** Replaces how the connection is closed when evicted (a socket first, a transport later). */
  onEvict(close: () => void): void;
  /** The connection joined, or closed: it no longer counts. Idempotent. */
  done(): void;
}

interface Entry {
  address: string;
  close: () => void;
}

/**
 * The connections a server accepted that have not joined a session yet: from the TCP accept,
 * through the opening handshake, to WELCOME. Idle sockets must not lock real clients out, so
 * over a cap the OLDEST pending connection is closed to make room for the new one (a real
 * client joins within milliseconds and leaves the list; an attacker's idle sockets age).
 */
export class PendingConnections {
  readonly maxPending: number;
  readonly maxPendingPerAddress: number;
  /** In arrival order: the first entry is the oldest. */
  private readonly entries = new Set<Entry>();
  private readonly perAddress = new Map<string, Set<Entry>>();

  constructor(
    limits: PendingLimits = {},
    private readonly logger?: Logger,
  ) {
    this.maxPending = limits.maxPending ?? DEFAULT_MAX_PENDING;
    this.maxPendingPerAddress = limits.maxPendingPerAddress ?? DEFAULT_MAX_PENDING_PER_ADDRESS;
    for (const key of ['maxPending', 'maxPendingPerAddress'] as const) {
      if (!Number.isSafeInteger(this[key]) || this[key] < 1) {
        throw new TransportError(`${key} must be a positive integer, got ${this[key]}`);
      }
    }
  }

  /** Pending connections now. */
  get size(): number {
    return this.entries.size;
  }

  /** A new connection from `address`; older ones are closed if a cap is exceeded. */
  add(address: string, close: () => void): PendingTicket {
    const entry: Entry = { address, close };
    let same = this.perAddress.get(address);
    if (same === undefined) this.perAddress.set(address, (same = new Set()));
    if (same.size >= this.maxPendingPerAddress) this.evict(first(same), 'per address');
    if (this.entries.size >= this.maxPending) this.evict(first(this.entries), 'in all');
    this.entries.add(entry);
    same.add(entry);
    return {
      onEvict: (closeNow) => (entry.close = closeNow),
      done: () => this.remove(entry),
    };
  }

  private evict(entry: Entry, scope: string): void {
    this.remove(entry);
    this.logger?.info(
      { address: entry.address, maxPending: this.maxPending, perAddress: this.maxPendingPerAddress },
      `too many connections not yet joined (${scope}): closing the oldest`,
    );
    entry.close();
  }

  private remove(entry: Entry): void {
    if (!this.entries.delete(entry)) return;
    const same = this.perAddress.get(entry.address)!;
    same.delete(entry);
    if (same.size === 0) this.perAddress.delete(entry.address);
  }
}

function first<T>(set: Set<T>): T {
  return set.values().next().value as T;
}
