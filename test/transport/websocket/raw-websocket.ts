import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * A hand-driven WebSocket client over a plain TCP socket: it writes the upgrade request and
 * frames byte by byte as a test says (unfinished frames, fragments, pings), which `ws` as a
 * client would never do.
 */
export class RawWebSocket {
  readonly closed: Promise<void>;
  received = Buffer.alloc(0);

  private constructor(readonly socket: Socket) {
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => (this.received = Buffer.concat([this.received, chunk])));
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** A TCP connection that has sent nothing yet. */
  static async tcp(port: number): Promise<RawWebSocket> {
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawWebSocket(socket);
  }

  /** Connected and upgraded to `wamp.2.json` on `/ws`. */
  static async open(port: number): Promise<RawWebSocket> {
    const raw = await RawWebSocket.tcp(port);
    raw.socket.write(upgradeRequest(port));
    while (!raw.received.includes('\r\n\r\n')) await new Promise((resolve) => setTimeout(resolve, 5));
    if (!raw.received.toString('latin1').startsWith('HTTP/1.1 101')) throw new Error('upgrade refused');
    raw.received = raw.received.subarray(raw.received.indexOf('\r\n\r\n') + 4);
    return raw;
  }

  write(bytes: Buffer | string): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** A masked frame header for `length` payload bytes (the payload must be masked with `MASK`: zeros). */
  static header(opcode: number, fin: boolean, length: number): Buffer {
    const b0 = (fin ? 0x80 : 0) | opcode;
    let head: Buffer;
    if (length < 126) head = Buffer.from([b0, 0x80 | length]);
    else if (length < 65536) {
      head = Buffer.alloc(4);
      head[0] = b0;
      head[1] = 0x80 | 126;
      head.writeUInt16BE(length, 2);
    } else {
      head = Buffer.alloc(10);
      head[0] = b0;
      head[1] = 0x80 | 127;
      head.writeBigUInt64BE(BigInt(length), 2);
    }
    // An all-zero masking key: the payload goes as is.
    return Buffer.concat([head, Buffer.alloc(4)]);
  }

  /** A whole masked frame. */
  static frame(opcode: number, fin: boolean, payload: Buffer | string): Buffer {
    const bytes = Buffer.from(payload);
    return Buffer.concat([RawWebSocket.header(opcode, fin, bytes.length), bytes]);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export const Opcode = { CONTINUATION: 0, TEXT: 1, BINARY: 2, CLOSE: 8, PING: 9, PONG: 10 } as const;

export function upgradeRequest(port: number): string {
  return (
    `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
    `Sec-WebSocket-Protocol: wamp.2.json\r\n\r\n`
  );
}
