// #region transport
import type { Socket } from 'node:net';
import { serializerByName, type Frame, type Transport, type TransportHandlers } from 'wservice/router';

/** WAMP over any byte stream, one JSON message per line: a transport of your own. */
export class LineTransport implements Transport {
  readonly serializer = serializerByName('json')!;
  readonly kind = 'lines';
  readonly maxMessageSize = 1024 * 1024;
  private handlers?: TransportHandlers;
  private held: string[] = [];
  private rest = '';
  private closed = false;

  constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      const lines = (this.rest + chunk).split('\n');
      this.rest = lines.pop()!;
      for (const line of lines) this.deliver(line);
    });
    socket.on('close', () => {
      this.closed = true;
      this.handlers?.close({ code: 1000, reason: 'closed', wasClean: true });
    });
    socket.on('error', () => undefined); // 'close' follows
  }

  get peer(): string {
    return `tcp4:${this.socket.remoteAddress}:${this.socket.remotePort}`;
  }

  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  get isOpen(): boolean {
    return !this.socket.destroyed;
  }

  attach(handlers: TransportHandlers): void {
    this.handlers = handlers; // frames that came before attach are held until now
    for (const line of this.held.splice(0)) handlers.message(line);
    if (this.closed) handlers.close({ code: 1000, reason: 'closed', wasClean: true });
  }

  send(frame: Frame): void {
    this.socket.write(`${String(frame)}\n`);
  }

  close(): void {
    this.socket.end();
  }

  private deliver(line: string): void {
    if (this.handlers === undefined) this.held.push(line);
    else this.handlers.message(line);
  }
}
// #endregion transport

// #region serve
import { createServer, connect as connectTcp, type Server } from 'node:net';
import { connect, type Client } from 'wservice';
import type { Router } from 'wservice/router';

/** The router serves every TCP connection as a LineTransport. */
export function serveLines(router: Router): Server {
  return createServer((socket) => router.attach(new LineTransport(socket)));
}

/** A client over the same kind of link. */
export function connectLines(port: number): Promise<Client> {
  return connect({ transport: async () => new LineTransport(connectTcp(port, '127.0.0.1')) });
}
// #endregion serve
