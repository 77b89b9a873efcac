import { Writable } from 'node:stream';
import pino from 'pino';
import type { Logger } from '../../../src/logger';

/**
 * A logger that keeps only error-level lines, in `lines`: those are the router's own
 * failures, never a client's, so a hostile-client test expects none.
 */
export function errorLogger(lines: string[]): Logger {
  const sink = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      lines.push(chunk.toString());
      done();
    },
  });
  return pino({ level: 'error' }, sink);
}
