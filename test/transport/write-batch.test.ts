import { createServer, connect, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import {
  noteRead,
  WRITE_BATCH_MAX_BYTES,
  WRITE_BATCH_MAX_FRAMES,
  WriteBatch,
} from '../../src/transport/write-batch';

/** A Writable that records how its chunks were handed over: one entry per write or writev. */
function recordingStream(): { stream: Writable; calls: string[][] } {
  const calls: string[][] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      calls.push([chunk.toString()]);
      done();
    },
    writev(chunks, done) {
      calls.push(chunks.map((c) => (c.chunk as Buffer).toString()));
      done();
    },
  });
  return { stream, calls };
}

describe('WriteBatch', () => {
  it('hands every write of one tick to the stream in a single writev, in order, once the tick ends', async () => {
    const { stream, calls } = recordingStream();
    const batch = new WriteBatch(stream);
    for (const frame of ['a', 'b', 'c']) {
      batch.hold();
      stream.write(frame);
    }
    expect(stream.writableCorked).toBe(1);
    expect(calls).toEqual([]);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(stream.writableCorked).toBe(0);
    expect(calls).toEqual([['a', 'b', 'c']]);
  });

  it("holds a stream written again in the same turn, after another socket's read, until the turn ends: later callbacks' writes leave together", async () => {
    const { stream, calls } = recordingStream();
    const batch = new WriteBatch(stream);
    // Each write comes from a read callback of its own, as when 100 caller sockets feed one callee.
    const writeInTick = (frame: string): Promise<void> =>
      new Promise((resolve) =>
        process.nextTick(() => {
          noteRead();
          batch.hold();
          stream.write(frame);
          resolve();
        }),
      );
    await writeInTick('a');
    await new Promise((resolve) => process.nextTick(resolve));
    expect(calls).toEqual([['a']]);
    await writeInTick('b');
    await writeInTick('c');
    await new Promise((resolve) => process.nextTick(resolve));
    expect(calls).toEqual([['a']]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([['a'], ['b', 'c']]);
    expect(stream.writableCorked).toBe(0);
    // No read since that release (whether or not the loop waited in between, which timing decides):
    // the next write leaves at the end of its tick.
    await new Promise((resolve) => setImmediate(resolve));
    batch.hold();
    stream.write('d');
    await new Promise((resolve) => process.nextTick(resolve));
    expect(calls).toEqual([['a'], ['b', 'c'], ['d']]);
  });

  it('writes at the end of each tick a stream written again with no read in between (a loop yielding with setImmediate)', async () => {
    const { stream, calls } = recordingStream();
    const batch = new WriteBatch(stream);
    for (const frame of ['a', 'b', 'c']) {
      batch.hold();
      stream.write(frame);
      await new Promise((resolve) => process.nextTick(resolve));
      // Written in this tick's release, not deferred to a later phase.
      expect(calls.at(-1)).toEqual([frame]);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(calls).toEqual([['a'], ['b'], ['c']]);
    expect(stream.writableCorked).toBe(0);
  });

  it('releases each stream held in one tick in one writev of its own', async () => {
    const one = recordingStream();
    const two = recordingStream();
    const batches = [new WriteBatch(one.stream), new WriteBatch(two.stream)];
    for (const frame of ['x', 'y']) {
      batches.forEach((batch, i) => {
        batch.hold();
        (i === 0 ? one : two).stream.write(`${frame}${i}`);
      });
    }
    await new Promise((resolve) => process.nextTick(resolve));
    expect(one.calls).toEqual([['x0', 'y0']]);
    expect(two.calls).toEqual([['x1', 'y1']]);
    expect(one.stream.writableCorked + two.stream.writableCorked).toBe(0);
  });

  it('corks again for writes made after the release', async () => {
    const { stream, calls } = recordingStream();
    const batch = new WriteBatch(stream);
    batch.hold();
    stream.write('a');
    await Promise.resolve();
    batch.hold();
    stream.write('b');
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls.flat()).toEqual(['a', 'b']);
    expect(stream.writableCorked).toBe(0);
  });

  it('writes at once, and holds again, what passes WRITE_BATCH_MAX_BYTES within a turn', async () => {
    const { stream, calls } = recordingStream();
    const batch = new WriteBatch(stream);
    const big = 'x'.repeat(WRITE_BATCH_MAX_BYTES);
    for (const frame of ['a', big, 'b', 'c']) {
      batch.hold();
      stream.write(frame);
    }
    expect(calls).toEqual([['a', big]]);
    expect(stream.writableCorked).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([
      ['a', big],
      ['b', 'c'],
    ]);
    expect(stream.writableCorked).toBe(0);
  });

  it('writes each WRITE_BATCH_MAX_FRAMES frames of a turn at once, in order, and the rest at its end', async () => {
    const { stream, calls } = recordingStream();
    const batch = new WriteBatch(stream);
    const frames = Array.from({ length: 2 * WRITE_BATCH_MAX_FRAMES + 5 }, (_, i) => String(i));
    for (const frame of frames) {
      batch.hold();
      stream.write(frame);
    }
    const part = (n: number) => frames.slice(n * WRITE_BATCH_MAX_FRAMES, (n + 1) * WRITE_BATCH_MAX_FRAMES);
    expect(calls).toEqual([part(0), part(1)]);
    expect(stream.writableCorked).toBe(1);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(calls).toEqual([part(0), part(1), part(2)]);
    expect(part(2)).toHaveLength(5);
    expect(stream.writableCorked).toBe(0);
  });

  it('holds a whole turn when built with maxFrames Infinity (the bench floors)', async () => {
    const { stream, calls } = recordingStream();
    const batch = new WriteBatch(stream, Number.POSITIVE_INFINITY);
    const frames = Array.from({ length: 2 * WRITE_BATCH_MAX_FRAMES + 5 }, (_, i) => String(i));
    for (const frame of frames) {
      batch.hold();
      stream.write(frame);
    }
    expect(calls).toEqual([]);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(calls).toEqual([frames]);
  });

  it('lets end() flush held writes', async () => {
    const { stream, calls } = recordingStream();
    const batch = new WriteBatch(stream);
    batch.hold();
    stream.write('last');
    const finished = new Promise((resolve) => stream.once('finish', resolve));
    stream.end();
    await finished;
    expect(calls.flat()).toEqual(['last']);
  });

  describe('over a real TCP socket', () => {
    let server: Server;
    let client: Socket;
    let received: Promise<string>;

    beforeEach(async () => {
      server = createServer();
      received = new Promise((resolve) => {
        server.once('connection', (socket) => {
          let text = '';
          socket.on('data', (data) => (text += data.toString()));
          socket.on('end', () => resolve(text));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      client = connect(port, '127.0.0.1');
      await new Promise((resolve) => client.once('connect', resolve));
    });

    afterEach(async () => {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    it('delivers every byte of a batched burst', async () => {
      const batch = new WriteBatch(client);
      const frames = Array.from({ length: 500 }, (_, i) => `frame ${i};`);
      for (const frame of frames) {
        batch.hold();
        client.write(frame);
      }
      client.end();
      expect(await received).toBe(frames.join(''));
    });
  });
});
