import fc from 'fast-check';
import {
  encodeFramePrefix,
  FramerState,
  FrameType,
  RawSocketFramer,
  TransportError,
  type FramerSink,
} from '../../../src/transport';

type Event =
  | { kind: 'handshake'; octet: number; reserved: number }
  | { kind: 'message' | 'ping' | 'pong'; payload: number[] }
  | { kind: 'oversize'; size: number };

/** A sink that records what the framer reported, payloads copied to plain arrays. */
function recorder(): { sink: FramerSink; events: Event[] } {
  const events: Event[] = [];
  const sink: FramerSink = {
    handshake: (octet, reserved) => events.push({ kind: 'handshake', octet, reserved }),
    message: (payload) => events.push({ kind: 'message', payload: [...payload] }),
    ping: (payload) => events.push({ kind: 'ping', payload: [...payload] }),
    pong: (payload) => events.push({ kind: 'pong', payload: [...payload] }),
    oversize: (size) => events.push({ kind: 'oversize', size }),
  };
  return { sink, events };
}

const KIND = { [FrameType.MESSAGE]: 'message', [FrameType.PING]: 'ping', [FrameType.PONG]: 'pong' } as const;
const HANDSHAKE = [0x7f, 0xf1, 0, 0];

function encodeStream(frames: Array<{ type: FrameType; payload: Uint8Array }>): Buffer {
  return Buffer.concat([
    Buffer.from(HANDSHAKE),
    ...frames.flatMap((f) => [encodeFramePrefix(f.type, f.payload.length), Buffer.from(f.payload)]),
  ]);
}

function expectedEvents(frames: Array<{ type: FrameType; payload: Uint8Array }>): Event[] {
  return [
    { kind: 'handshake', octet: 0xf1, reserved: 0 },
    ...frames.map((f): Event => ({ kind: KIND[f.type], payload: [...f.payload] })),
  ];
}

/** Splits `bytes` at the given cut points (any numbers; taken modulo the length). */
function chunk(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % bytes.length)))].sort(
    (a, b) => a - b,
  );
  const chunks: Buffer[] = [];
  let start = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(start, p));
    start = p;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

const frameArb = fc.record({
  type: fc.constantFrom(FrameType.MESSAGE, FrameType.PING, FrameType.PONG),
  payload: fc.uint8Array({ maxLength: 300 }),
});

describe('RawSocketFramer', () => {
  it('reads a handshake, then frames of each type, including an empty one', () => {
    const { sink, events } = recorder();
    const framer = new RawSocketFramer(sink, 1024);
    expect(framer.state).toBe(FramerState.HANDSHAKE);
    framer.push(
      encodeStream([
        { type: FrameType.MESSAGE, payload: Buffer.from('[1]') },
        { type: FrameType.PING, payload: Buffer.from('hi') },
        { type: FrameType.PONG, payload: new Uint8Array(0) },
      ]),
    );
    expect(events).toEqual([
      { kind: 'handshake', octet: 0xf1, reserved: 0 },
      { kind: 'message', payload: [...Buffer.from('[1]')] },
      { kind: 'ping', payload: [...Buffer.from('hi')] },
      { kind: 'pong', payload: [] },
    ]);
    expect(framer.state).toBe(FramerState.HEADER);
  });

  it('works when fed one byte at a time', () => {
    const frames = [
      { type: FrameType.MESSAGE, payload: Buffer.from('hello, world') },
      { type: FrameType.PING, payload: Buffer.from([1, 2, 3]) },
    ];
    const { sink, events } = recorder();
    const framer = new RawSocketFramer(sink, 1024);
    for (const byte of encodeStream(frames)) framer.push(Buffer.from([byte]));
    expect(events).toEqual(expectedEvents(frames));
  });

  it('reports the reserved octets of a handshake to the sink', () => {
    const { sink, events } = recorder();
    new RawSocketFramer(sink, 1024).push(Buffer.from([0x7f, 0x12, 0x01, 0x02]));
    expect(events).toEqual([{ kind: 'handshake', octet: 0x12, reserved: 0x0102 }]);
  });

  it.each([
    ['a bad magic octet', [0x16, 0x03, 0x01, 0x00], 'BAD_MAGIC'],
    ['reserved bits in a frame prefix', [...HANDSHAKE, 0x10, 0, 0, 1, 0x41], 'RESERVED_BITS'],
    ['an unknown frame type', [...HANDSHAKE, 0x03, 0, 0, 0], 'UNKNOWN_FRAME_TYPE'],
    ['the 25th length bit with a non-zero length', [...HANDSHAKE, 0x08, 0, 0, 1], 'BAD_LENGTH'],
  ])('rejects %s with a TransportError, then ignores input', (_what, bytes, code) => {
    const { sink, events } = recorder();
    const framer = new RawSocketFramer(sink, 1024);
    let thrown: unknown;
    try {
      framer.push(Buffer.from(bytes));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(TransportError);
    expect(thrown).toMatchObject({ code });
    expect(framer.state).toBe(FramerState.STOPPED);
    expect(() => framer.push(Buffer.from([0, 0, 0, 1, 0x41]))).not.toThrow();
    expect(events.filter((e) => e.kind !== 'handshake')).toEqual([]);
  });

  it('reports a huge length header as oversize at once, without waiting for the payload', () => {
    const { sink, events } = recorder();
    const framer = new RawSocketFramer(sink, 1024);
    framer.push(Buffer.from([...HANDSHAKE, 0x00, 0xff, 0xff, 0xff]));
    expect(events.at(-1)).toEqual({ kind: 'oversize', size: 0xffffff });
    expect(framer.state).toBe(FramerState.STOPPED);
  });

  it('reads the 25th length bit as exactly 2^24 octets', () => {
    expect([...encodeFramePrefix(FrameType.MESSAGE, 2 ** 24)]).toEqual([0x08, 0, 0, 0]);
    expect([...encodeFramePrefix(FrameType.PING, 2 ** 24 - 1)]).toEqual([0x01, 0xff, 0xff, 0xff]);
    const { sink, events } = recorder();
    new RawSocketFramer(sink, 2 ** 24 - 1).push(Buffer.from([...HANDSHAKE, 0x08, 0, 0, 0]));
    expect(events.at(-1)).toEqual({ kind: 'oversize', size: 2 ** 24 });
  });

  it('accepts a frame of exactly the limit', () => {
    const { sink, events } = recorder();
    new RawSocketFramer(sink, 16).push(
      encodeStream([{ type: FrameType.MESSAGE, payload: new Uint8Array(16) }]),
    );
    expect(events.at(-1)).toEqual({ kind: 'message', payload: new Array(16).fill(0) });
  });

  it('can start without a handshake', () => {
    const { sink, events } = recorder();
    new RawSocketFramer(sink, 16, false).push(Buffer.from([0x01, 0, 0, 1, 9]));
    expect(events).toEqual([{ kind: 'ping', payload: [9] }]);
  });

  describe('properties', () => {
    it('yields the same frames however a valid stream is chunked', () => {
      fc.assert(
        fc.property(
          fc.array(frameArb, { maxLength: 12 }),
          fc.array(fc.nat(), { maxLength: 40 }),
          (frames, cuts) => {
            const { sink, events } = recorder();
            const framer = new RawSocketFramer(sink, 512);
            for (const piece of chunk(encodeStream(frames), cuts)) framer.push(piece);
            expect(events).toEqual(expectedEvents(frames));
            expect(framer.state).toBe(FramerState.HEADER);
          },
        ),
      );
    });

    it('yields a prefix of the frames, and no error, for a truncated stream', () => {
      fc.assert(
        fc.property(
          fc.array(frameArb, { minLength: 1, maxLength: 8 }),
          fc.nat(),
          fc.array(fc.nat(), { maxLength: 10 }),
          (frames, cut, cuts) => {
            const full = encodeStream(frames);
            const truncated = full.subarray(0, cut % full.length);
            const { sink, events } = recorder();
            const framer = new RawSocketFramer(sink, 512);
            for (const piece of chunk(truncated, cuts)) framer.push(piece);
            const expected = expectedEvents(frames);
            expect(events).toEqual(expected.slice(0, events.length));
            expect(events.length).toBeLessThan(expected.length);
            expect(framer.state).not.toBe(FramerState.STOPPED);
          },
        ),
      );
    });

    it('never crashes on random bytes: frames, oversize, or a TransportError', () => {
      fc.assert(
        fc.property(
          // Random from the first octet, random after a valid handshake, random frames only.
          fc.constantFrom('raw', 'after-handshake', 'no-handshake'),
          fc.uint8Array({ maxLength: 600 }),
          fc.array(fc.nat(), { maxLength: 20 }),
          (mode, bytes, cuts) => {
            const { sink, events } = recorder();
            const framer = new RawSocketFramer(sink, 64, mode !== 'no-handshake');
            const stream = Buffer.concat([Buffer.from(mode === 'after-handshake' ? HANDSHAKE : []), bytes]);
            let failed = false;
            for (const piece of chunk(stream, cuts)) {
              try {
                framer.push(piece);
              } catch (err) {
                expect(err).toBeInstanceOf(TransportError);
                expect(failed).toBe(false);
                failed = true;
              }
            }
            if (failed || events.some((e) => e.kind === 'oversize')) {
              expect(framer.state).toBe(FramerState.STOPPED);
            }
            for (const e of events) {
              if (e.kind === 'message' || e.kind === 'ping' || e.kind === 'pong') {
                expect(e.payload.length).toBeLessThanOrEqual(64);
              }
            }
          },
        ),
        { numRuns: 500 },
      );
    });
  });
});
