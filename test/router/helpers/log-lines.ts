import { Writable } from 'node:stream';
import pino from 'pino';
import type { Logger } from '../../../src/logger';

/** A logger whose lines (at `level` and above) a test reads, parsed. */
export function loggerWithLines(level = 'warn'): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      for (const line of chunk.toString().split('\n')) {
        if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { logger: pino({ level }, sink), lines };
}

/** The lines whose message contains `text`. */
export function linesWith(
  lines: readonly Record<string, unknown>[],
  text: string,
): Record<string, unknown>[] {
  return lines.filter((line) => String(line.msg).includes(text));
}
