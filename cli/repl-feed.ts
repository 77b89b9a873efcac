import { PassThrough, type Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import type { REPLServer } from 'node:repl';

/**
 * Node's REPL evaluates every line of a chunk as soon as it arrives, so piped lines that
 * `await` run side by side and print out of order. This feeds the REPL one line at a time:
 * the next line goes in once the REPL has read the previous one and shown its prompt again,
 * which it does only when that line's evaluation (awaits included) has settled. The REPL reads the returned stream; it ends after the source's last line.
 */
export function feedLineByLine(source: Readable): { input: PassThrough; attach(server: REPLServer): void } {
  const input = new PassThrough();
  const queue: string[] = [];
  let sourceEnded = false;
  let server: REPLServer | undefined;
  let atPrompt = true;
  let lineInFlight = false;

  const feed = (): void => {
    if (server === undefined || !atPrompt || lineInFlight) return;
    const next = queue.shift();
    if (next !== undefined) {
      atPrompt = false;
      lineInFlight = true;
      input.write(`${next}\n`);
    } else if (sourceEnded) {
      input.end();
    }
  };

  const lines = createInterface({ input: source, crlfDelay: Infinity });
  lines.on('line', (line) => {
    queue.push(line);
    feed();
  });
  lines.on('close', () => {
    sourceEnded = true;
    feed();
  });

  return {
    input,
    attach(repl) {
      server = repl;
      const displayPrompt = repl.displayPrompt.bind(repl);
      repl.displayPrompt = (preserveCursor?: boolean) => {
        displayPrompt(preserveCursor);
        atPrompt = true;
        feed();
      };
      repl.on('line', () => {
        lineInFlight = false;
        feed();
      });
      feed();
    },
  };
}
