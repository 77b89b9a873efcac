import type { Socket } from 'node:net';
import type WebSocket from 'ws';
import { noteRead, WriteBatch } from '../../src/transport/write-batch';

/** Sends a frame on a `ws` socket. */
export type FrameSend = (data: WebSocket.RawData | string, binary: boolean) => void;

/**
 * How a floor role sends frames on a `ws` socket: one write per frame as it comes (`batch`
 * false, the raw floor), or held until the turn's reads are handled and written together (`batch` true, the
 * batching floor: what our transports do, `src/transport/write-batch.ts`).
 */
export function frameSender(socket: WebSocket, batch: boolean): FrameSend {
  if (!batch) return (data, binary) => socket.send(data, { binary });
  // ws keeps its net.Socket private; corking it holds the frames ws writes during the turn.
  const stream = (socket as unknown as { _socket: Socket })._socket;
  // Reads are counted as our transports count them: they tell WriteBatch another callback ran.
  stream.prependListener('data', noteRead);
  // A whole turn per write, as before WRITE_BATCH_MAX_FRAMES: parts only add system calls to a
  // path this cheap (measured: more CPU per call, the TCP floor 0.77x its calls/s), and a floor is
  // the best a routed design does.
  const writes = new WriteBatch(stream, Number.POSITIVE_INFINITY);
  return (data, binary) => {
    writes.hold();
    socket.send(data, { binary });
  };
}
