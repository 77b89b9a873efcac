import type { Writable } from 'node:stream';

/**
 * Held bytes past which a stream is written at once (and held again): a burst's output does not
 * wait for the end of the turn, so what a link holds, which its `bufferedAmount` counts against
 * the router's outbound limits, stays small. Past this size one system call per batch costs
 * little next to the bytes.
 */
export const WRITE_BATCH_MAX_BYTES = 64 * 1024;

/**
 * Frames a batch holds before they are written (and the next ones held again), unless the
 * stream's owner chose otherwise. A read that brings many messages (100 calls in flight, a
 * publisher's burst) would otherwise make one batch of all their answers, written after the last
 * is handled, while the next hop waits idle: the processes on the path then work in turn, one
 * batch at a time, and calls/s is 1 / their summed CPU per call. Written in parts, the next hop
 * starts on the first part while this one goes on. At 64 frames a `writev` costs each frame 1/64
 * of a system call.
 */
export const WRITE_BATCH_MAX_FRAMES = 64;

/**
 * Marks a turn of the event loop without scheduling anything: the loop's idle time (which Node
 * always measures) grows only while the loop waits for I/O, so two reads of the same value come
 * from callbacks of one poll phase (or of turns that did not wait, for which holding until the
 * check phase is as right).
 */
const loopIdleTime = (): number => performance.nodeTiming.idleTime;

/**
 * Socket reads seen so far (`noteRead`): a stream written again after no read since its last
 * release was not written by another I/O callback of the same poll phase, but by the same
 * code going on (a loop yielding with `setImmediate`, which never lets the loop idle).
 */
let reads = 0;

/** Call from a socket's `data` handler, before it handles the bytes. */
export function noteRead(): void {
  reads++;
}

/** The batches deferred to the check phase, in the order they were first held. */
let deferred: WriteBatch[] = [];

/** The check phase after the poll phase's I/O callbacks: the deferred streams are written. */
function releaseDeferred(): void {
  const batches = deferred;
  deferred = [];
  for (const batch of batches) batch.release();
}

/**
 * Holds a stream's writes so that the frames sent while handling one read (a burst of calls,
 * the invocations they cause, a fan-out of events) leave in one `writev` instead of one
 * system call each: on loopback the system calls, not the WAMP processing, are most of a
 * message's CPU time.
 *
 * The first batch of a turn is written in `process.nextTick`, right after the I/O callback
 * that made it (before its promise callbacks' writes, which go in the next one), so a lone
 * message waits for nothing. A stream written again in the same turn, by another I/O callback
 * of the same poll phase (a callee serving 100 caller sessions gets one INVOCATION per caller's
 * read), is held until that phase's callbacks have all run and written once, in `setImmediate`:
 * the poll phase does not block while an immediate is pending, so nothing waits for new I/O.
 * "Another I/O callback" is told by a socket read since the last release (`noteRead`): a loop
 * that never idles (a publisher yielding with `setImmediate` every thousand events) would
 * otherwise look like one long turn and have every batch deferred a loop iteration.
 * A stream holding WRITE_BATCH_MAX_BYTES or more, or `maxFrames` frames, is written at once and
 * held again. `end()`
 * flushes held writes itself; `destroy()` drops them, as it drops anything not yet written.
 */
export class WriteBatch {
  private held = false;
  /** Frames held in this batch (or its latest part). */
  private frames = 0;
  /** The loop's idle time when this stream was last written by a `process.nextTick` release. */
  private writtenAt = -1;
  /** `reads` at this stream's last release, of either kind. */
  private readsAt = -1;

  /**
   * `maxFrames`: frames held before a write within the turn (WRITE_BATCH_MAX_FRAMES; Infinity
   * holds the whole turn, up to WRITE_BATCH_MAX_BYTES).
   */
  constructor(
    private readonly stream: Writable,
    private readonly maxFrames = WRITE_BATCH_MAX_FRAMES,
  ) {}

  /** Call before writing: the first call corks the stream until the release. */
  hold(): void {
    if (this.held) {
      if (++this.frames < this.maxFrames && this.stream.writableLength < WRITE_BATCH_MAX_BYTES) return;
      this.frames = 0;
      this.stream.uncork();
      this.stream.cork();
      return;
    }
    this.held = true;
    this.frames = 0;
    this.stream.cork();
    if (this.readsAt !== reads && this.writtenAt === loopIdleTime()) {
      if (deferred.push(this) === 1) setImmediate(releaseDeferred);
    } else {
      process.nextTick(this.releaseInTick);
    }
  }

  /** @internal Uncorks the stream. */
  release(): void {
    this.held = false;
    this.readsAt = reads;
    this.stream.uncork();
  }

  private readonly releaseInTick = (): void => {
    this.writtenAt = loopIdleTime();
    this.release();
  };
}
