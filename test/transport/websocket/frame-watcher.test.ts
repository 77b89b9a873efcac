import fc from 'fast-check';
import { FrameWatcher } from '../../../src/transport/websocket/frame-watcher';

/** One WebSocket frame as a peer would send it. */
interface FrameSpec {
  control: boolean;
  final: boolean;
  payload: number;
  masked: boolean;
}

function header(frame: FrameSpec, first: boolean): Buffer {
  const opcode = frame.control ? 0x9 : first ? 0x1 : 0x0;
  const mask = frame.masked ? 0x80 : 0;
  const parts = [Buffer.from([(frame.final ? 0x80 : 0) | opcode])];
  if (frame.payload < 126) parts.push(Buffer.from([mask | frame.payload]));
  else if (frame.payload < 65536) {
    const b = Buffer.alloc(3);
    b[0] = mask | 126;
    b.writeUInt16BE(frame.payload, 1);
    parts.push(b);
  } else {
    const b = Buffer.alloc(9);
    b[0] = mask | 127;
    b.writeBigUInt64BE(BigInt(frame.payload), 1);
    parts.push(b);
  }
  if (frame.masked) parts.push(Buffer.from([1, 2, 3, 4]));
  return Buffer.concat(parts);
}

/** What the watcher must report at a byte offset of the stream. */
interface Expected {
  /** Payload bytes of the open data message received so far. */
  held: number;
  unfinished: boolean;
}

const payloadSize = fc.oneof(
  fc.integer({ min: 0, max: 130 }),
  fc.constantFrom(125, 126, 127, 65535, 65536, 70000),
);

/** A data message in 1-3 fragments, with control frames (at most 125 bytes) between them. */
const message = fc.record({
  fragments: fc.array(payloadSize, { minLength: 1, maxLength: 3 }),
  pings: fc.array(fc.integer({ min: 0, max: 125 }), { maxLength: 2 }),
  masked: fc.boolean(),
});

describe('FrameWatcher', () => {
  it('follows messages, fragments and control frames however the bytes are cut into chunks', () => {
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (messages, cuts) => {
          const bytes: Buffer[] = [];
          // expected[i]: the watcher's view once the first i bytes are in; completions by offset.
          const expected: Expected[] = [{ held: 0, unfinished: false }];
          const completions: number[] = [];
          let held = 0;
          /** Bytes of a header or a payload; only a data frame's payload is held for the message. */
          const push = (chunk: Buffer, heldPayload: boolean): void => {
            for (let i = 0; i < chunk.length; i++) {
              if (heldPayload) held++;
              expected.push({ held, unfinished: true });
            }
            bytes.push(chunk);
          };
          for (const m of messages) {
            m.fragments.forEach((size, i) => {
              const final = i === m.fragments.length - 1;
              const frame = { control: false, final, payload: size, masked: m.masked };
              push(header(frame, i === 0), false);
              push(Buffer.alloc(size, 7), true);
              if (final) {
                held = 0;
                expected[expected.length - 1] = { held: 0, unfinished: false };
                completions.push(expected.length - 1);
              } else {
                for (const ping of m.pings) {
                  const control = { control: true, final: true, payload: ping, masked: m.masked };
                  push(header(control, false), false);
                  push(Buffer.alloc(ping, 1), false);
                }
              }
            });
          }
          const stream = Buffer.concat(bytes);
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const ends = [...points.filter((p) => p > 0 && p < stream.length), stream.length];
          const watcher = new FrameWatcher(1 << 20, () => {
            throw new Error('no frame here is oversize');
          });
          let from = 0;
          for (const end of ends) {
            const outcome = watcher.push(stream.subarray(from, end));
            const completed = completions.some((c) => c > from && c <= end);
            expect({ at: end, completed: outcome.completed, unfinished: outcome.unfinished }).toEqual({
              at: end,
              completed,
              unfinished: expected[end].unfinished,
            });
            if (outcome.unfinished) expect(watcher.bufferedBytes).toBe(expected[end].held);
            from = end;
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reports a message over the limit on its header, before any of its payload', () => {
    const sizes: number[] = [];
    const watcher = new FrameWatcher(1000, (size) => sizes.push(size));
    const first = header({ control: false, final: false, payload: 600, masked: true }, true);
    const second = header({ control: false, final: true, payload: 600, masked: true }, false);
    expect(watcher.push(Buffer.concat([first, Buffer.alloc(600)])).unfinished).toBe(true);
    expect(sizes).toEqual([]);
    // The second fragment's header arrives split in two chunks.
    watcher.push(second.subarray(0, 1));
    watcher.push(second.subarray(1));
    expect(sizes).toEqual([1200]);
    expect(watcher.push(Buffer.alloc(600)).completed).toBe(false);
  });
});
