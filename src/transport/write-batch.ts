import type { Writable } from 'node:stream';

/**
 * Holds a stream's writes until the current tick ends, so the frames sent while handling one
 * read (a burst of calls, the invocations they cause, a fan-out of events) leave in one
 * `writev` instead of one system call each: on loopback the system calls, not the WAMP
 * processing, are most of a message's CPU time.
 *
 * Nothing waits for a later event-loop turn: the stream is uncorked in `process.nextTick`,
 * which runs before any I/O callback, after the promise callbacks of the tick. `end()` flushes
 * held writes itself; `destroy()` drops them, as it drops anything not yet written.
 */
export class WriteBatch {
  private held = false;

  constructor(private readonly stream: Writable) {}

  /** Call before writing: the first call in a tick corks the stream until the tick ends. */
  hold(): void {
    if (this.held) return;
    this.held = true;
    this.stream.cork();
    process.nextTick(this.release);
  }

  private readonly release = (): void => {
    this.held = false;
    this.stream.uncork();
  };
}
