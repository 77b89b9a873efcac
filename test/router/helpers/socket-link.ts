import { connect as tcpConnect, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import { serializerByName, type Frame, type Serializer } from '../../../src/protocol';
import {
  encodeFramePrefix,
  FrameType,
  RawSocketFramer,
  type CloseInfo,
  type Transport,
  type TransportHandlers,
} from '../../../src/transport';

export type SerializerKind = 'json' | 'msgpack' | 'cbor';

/** Where a link goes: the router's WebSocket URL, or its RawSocket TCP port. */
export type LinkTarget =
  | { transport: 'websocket'; url: string; serializer: SerializerKind }
  | { transport: 'rawsocket'; port: number; serializer: SerializerKind };

/** The largest RawSocket length exponent: 2^24 octets. */
const MAX_EXPONENT = 15;

/**
 * A client link to the router over a real socket, built on `ws` and `net` directly rather than
 * on our transports, so a test controls every byte: frames of the wrong kind (text on a binary
 * subprotocol), bytes outside RawSocket framing, and `kill()`, which destroys the TCP socket
 * with no closing handshake and no GOODBYE, as a crashed process would. It implements
 * `Transport`, so a `ScriptedPeer` can drive it.
 */
export class SocketLink implements Transport {
  readonly maxMessageSize = 2 ** 24;
  readonly peer: string;
  readonly serializer: Serializer;
  /** Settles when the socket is gone, whoever ended it. */
  readonly closed: Promise<CloseInfo>;
  private handlers: TransportHandlers | null = null;
  private readonly early: Frame[] = [];
  private closeInfo: CloseInfo | null = null;
  private resolveClosed!: (info: CloseInfo) => void;

  private constructor(
    readonly kind: 'websocket' | 'rawsocket',
    private readonly socket: WebSocket | Socket,
    serializer: SerializerKind,
  ) {
    this.serializer = serializerByName(serializer)!;
    this.peer = `test:${kind}`;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  /** Opens a link (and, for RawSocket, completes its handshake). */
  static open(target: LinkTarget): Promise<SocketLink> {
    return target.transport === 'websocket'
      ? SocketLink.openWebSocket(target.url, target.serializer)
      : SocketLink.openRawSocket(target.port, target.serializer);
  }

  private static openWebSocket(url: string, serializer: SerializerKind): Promise<SocketLink> {
    const socket = new WebSocket(url, [`wamp.2.${serializer}`]);
    const link = new SocketLink('websocket', socket, serializer);
    socket.on('message', (data: Buffer, isBinary) => link.deliver(isBinary ? data : data.toString('utf8')));
    socket.on('close', (code, reason) => link.ended({ code, reason: reason.toString(), wasClean: true }));
    socket.on('error', () => undefined);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(link));
      socket.once('unexpected-response', () => reject(new Error('WebSocket upgrade refused')));
      socket.once('error', reject);
    });
  }

  private static openRawSocket(port: number, serializer: SerializerKind): Promise<SocketLink> {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    const link = new SocketLink('rawsocket', socket, serializer);
    return new Promise((resolve, reject) => {
      const framer = new RawSocketFramer(
        {
          handshake: (octet) => {
            if ((octet & 0x0f) === 0) reject(new Error(`RawSocket handshake refused (${octet >> 4})`));
            else resolve(link);
          },
          message: (payload) => link.deliver(serializer === 'json' ? payload.toString('utf8') : payload),
          ping: (payload) =>
            socket.write(Buffer.concat([encodeFramePrefix(FrameType.PONG, payload.length), payload])),
          pong: () => undefined,
          oversize: () => socket.destroy(),
        },
        2 ** 24,
      );
      socket.on('data', (chunk) => {
        try {
          framer.push(chunk);
        } catch {
          socket.destroy();
        }
      });
      socket.on('close', () => link.ended({ code: 1006, reason: 'socket closed', wasClean: false }));
      socket.once('error', reject);
      socket.on('error', () => undefined);
      socket.write(Buffer.from([0x7f, (MAX_EXPONENT << 4) | link.serializer.rawSocketId!, 0, 0]));
    });
  }

  get isOpen(): boolean {
    return this.closeInfo === null;
  }

  get bufferedAmount(): number {
    return 0;
  }

  attach(handlers: TransportHandlers): void {
    this.handlers = handlers;
    for (const frame of this.early.splice(0)) handlers.message(frame);
    if (this.closeInfo !== null) handlers.close(this.closeInfo);
  }

  /** A serialized frame, as its serializer's kind of frame (text for JSON on WebSocket). */
  send(frame: Frame): void {
    if (typeof frame === 'string') this.sendText(frame);
    else if (frame instanceof Uint8Array) this.sendBinary(frame);
    else throw new Error('a socket link sends serialized frames');
  }

  /** A WebSocket text frame, or a RawSocket message of its UTF-8 bytes. */
  sendText(text: string): void {
    if (!this.isOpen) return;
    if (this.socket instanceof WebSocket) this.socket.send(text, { binary: false });
    else this.sendBinary(Buffer.from(text, 'utf8'));
  }

  /** A WebSocket binary frame, or a RawSocket message frame. */
  sendBinary(bytes: Uint8Array): void {
    if (!this.isOpen) return;
    if (this.socket instanceof WebSocket) this.socket.send(bytes, { binary: true });
    else this.socket.write(Buffer.concat([encodeFramePrefix(FrameType.MESSAGE, bytes.length), bytes]));
  }

  /** RawSocket only: bytes straight onto the stream, outside any framing. */
  sendUnframed(bytes: Uint8Array): void {
    if (this.socket instanceof WebSocket) throw new Error('a WebSocket link has no unframed bytes');
    if (this.isOpen) this.socket.write(bytes);
  }

  /** A polite close (WebSocket close frame / TCP FIN). */
  close(): void {
    if (this.socket instanceof WebSocket) this.socket.close();
    else this.socket.end();
  }

  /** The peer dies: the TCP socket is destroyed with no closing handshake and no GOODBYE. */
  kill(): void {
    if (this.socket instanceof WebSocket) this.socket.terminate();
    else this.socket.destroy();
  }

  private deliver(frame: Frame): void {
    if (this.handlers === null) this.early.push(frame);
    else this.handlers.message(frame);
  }

  private ended(info: CloseInfo): void {
    if (this.closeInfo !== null) return;
    this.closeInfo = info;
    this.resolveClosed(info);
    this.handlers?.close(info);
  }
}

/** Every kind of link a router with a WebSocket and a RawSocket listener accepts. */
export const LINK_KINDS: readonly { transport: 'websocket' | 'rawsocket'; serializer: SerializerKind }[] = [
  { transport: 'websocket', serializer: 'json' },
  { transport: 'websocket', serializer: 'msgpack' },
  { transport: 'websocket', serializer: 'cbor' },
  { transport: 'rawsocket', serializer: 'json' },
  { transport: 'rawsocket', serializer: 'msgpack' },
  { transport: 'rawsocket', serializer: 'cbor' },
];

/** The target of `kind` on a router listening on WebSocket `url` and RawSocket `port`. */
export function linkTarget(
  kind: (typeof LINK_KINDS)[number],
  url: string,
  rawSocketPort: number,
): LinkTarget {
  return kind.transport === 'websocket'
    ? { transport: 'websocket', url, serializer: kind.serializer }
    : { transport: 'rawsocket', port: rawSocketPort, serializer: kind.serializer };
}
