import { connect, type Socket } from 'node:net';
import { noteRead, WriteBatch } from '../../src/transport/write-batch';

/** The first byte a floor peer sends the TCP relay: which side of the relay it is. */
export const TcpSide = { caller: 0x43, callee: 0x45 } as const;

/** Writes on a TCP socket, each one as it comes or (`batch`) held until the turn's reads are handled. */
export function tcpWriter(socket: Socket, batch: boolean): (data: Buffer) => void {
  if (!batch) return (data) => socket.write(data);
  // Reads are counted as our transports count them: they tell WriteBatch another callback ran.
  socket.prependListener('data', noteRead);
  // A whole turn per write, as before WRITE_BATCH_MAX_FRAMES: parts only add system calls to a
  // path this cheap (measured: more CPU per call, the TCP floor 0.77x its calls/s), and a floor is
  // the best a routed design does.
  const writes = new WriteBatch(socket, Number.POSITIVE_INFINITY);
  return (data) => {
    writes.hold();
    socket.write(data);
  };
}

/** Connects to the TCP relay at `url` (`tcp://host:port`) as `side`, with no Nagle delay. */
export async function connectToRelay(url: string, side: number): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port), noDelay: true });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(Buffer.from([side]));
  return socket;
}

/**
 * Splits a byte stream into frames of a 4-byte big-endian length and a payload (RawSocket's
 * shape without its handshake), calling `onFrame` with each payload.
 */
export function frameReader(onFrame: (payload: Buffer) => void): (chunk: Buffer) => void {
  let buffered: Buffer = Buffer.alloc(0);
  return (chunk) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    let offset = 0;
    while (buffered.length - offset >= 4) {
      const length = buffered.readUInt32BE(offset);
      if (buffered.length - offset - 4 < length) break;
      onFrame(buffered.subarray(offset + 4, offset + 4 + length));
      offset += 4 + length;
    }
    buffered = offset === buffered.length ? Buffer.alloc(0) : buffered.subarray(offset);
  };
}

/** A frame of `payload`: its 4-byte big-endian length first. */
export function frameOf(payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(4 + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  payload.copy(frame, 4);
  return frame;
}
