import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/** A hand-driven RawSocket peer over a plain socket: writes exact bytes, records what it reads. */
export class RawClient {
  received = Buffer.alloc(0);
  readonly closed: Promise<void>;
  private waiters: Array<{ size: number; resolve: (bytes: Buffer) => void }> = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.waiters = this.waiters.filter((w) => {
        if (this.received.length < w.size) return true;
        w.resolve(this.received.subarray(0, w.size));
        return false;
      });
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static connect(target: { port: number } | { path: string }): Promise<RawClient> {
    const socket = 'port' in target ? connect(target.port, '127.0.0.1') : connect(target.path);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  write(bytes: number[] | Buffer): void {
    this.socket.write(Buffer.from(bytes));
  }

  /** Resolves with the first `size` bytes received, once they are all there. */
  bytes(size: number): Promise<Buffer> {
    if (this.received.length >= size) return Promise.resolve(this.received.subarray(0, size));
    return new Promise((resolve) => this.waiters.push({ size, resolve }));
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** A plain TCP server on 127.0.0.1 that runs `onSocket` for each connection; `close` cuts them all. */
export async function rawServer(
  onSocket: (socket: Socket) => void,
): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A raw server that answers every client handshake with the 4 octets `reply`, then runs `after`. */
export function answeringServer(reply: number[], after?: (socket: Socket, data: Buffer) => void) {
  return rawServer((socket) => {
    let handshakeDone = false;
    socket.on('data', (data: Buffer) => {
      if (!handshakeDone) {
        handshakeDone = true;
        socket.write(Buffer.from(reply));
        if (data.length > 4) after?.(socket, data.subarray(4));
        return;
      }
      after?.(socket, data);
    });
  });
}
