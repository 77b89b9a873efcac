import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback that a test controls, for real network faults between a client and
 * a router: `delay` holds every chunk for a while, `freeze` stops forwarding in both directions
 * without closing anything (the peer "vanished": no FIN, no RST, its packets just stop),
 * `reset` ends every link with a TCP RST, `cut` ends them with a FIN, and `refuse` resets new
 * connections at once (the router is down) until `accept` is called.
 *
 * @example
 * const proxy = await FaultProxy.start(router.listeners[0].port!);
 * const client = await connect(`ws://127.0.0.1:${proxy.port}/ws`);
 * proxy.freeze();            // the router now hears nothing from the client, and vice versa
 */
export class FaultProxy {
  private readonly links = new Set<ProxyLink>();
  private delayMs = 0;
  private frozen = false;
  private refusing = false;
  private acceptedCount = 0;

  private constructor(
    private readonly server: Server,
    /** Where the proxy forwards to. */
    public targetPort: number,
  ) {}

  /** Listens on a free loopback port and forwards each connection to `targetPort`. */
  static async start(targetPort: number): Promise<FaultProxy> {
    const server = createServer();
    const proxy = new FaultProxy(server, targetPort);
    server.on('connection', (socket) => proxy.onConnection(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** The proxy's own port: where clients connect. */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Connections open through the proxy now. */
  get linkCount(): number {
    return this.links.size;
  }

  /** Connections forwarded so far (not refused), open or closed. */
  get accepted(): number {
    return this.acceptedCount;
  }

  /** Every chunk, in both directions, is forwarded `ms` later (0: at once). Order is kept. */
  delay(ms: number): void {
    this.delayMs = ms;
  }

  /** Stops forwarding in both directions; nothing is closed. Chunks are held until `thaw`. */
  freeze(): void {
    this.frozen = true;
  }

  /** Forwards again, held chunks first. */
  thaw(): void {
    this.frozen = false;
    for (const link of this.links) link.flush();
  }

  /** Ends every open link with a TCP RST on both sides. */
  reset(): void {
    for (const link of [...this.links]) link.end('reset');
  }

  /** Ends every open link with a FIN on both sides (an orderly TCP close, no WAMP goodbye). */
  cut(): void {
    for (const link of [...this.links]) link.end('fin');
  }

  /** New connections are reset at once, as by a host with nothing listening; open links stay. */
  refuse(): void {
    this.refusing = true;
  }

  /** New connections are forwarded again. */
  accept(): void {
    this.refusing = false;
  }

  private onConnection(socket: Socket): void {
    if (this.refusing) {
      socket.on('error', () => undefined);
      socket.resetAndDestroy();
      return;
    }
    const link = new ProxyLink(socket, this.targetPort, this);
    this.acceptedCount += 1;
    this.links.add(link);
    link.done.then(
      () => this.links.delete(link),
      () => this.links.delete(link),
    );
  }

  /** Resets every link and stops listening. */
  async stop(): Promise<void> {
    this.reset();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** @internal what a link asks of its proxy for each chunk. */
  get state(): { delayMs: number; frozen: boolean } {
    return { delayMs: this.delayMs, frozen: this.frozen };
  }
}

/** One proxied connection: the client's socket and ours to the target. */
class ProxyLink {
  readonly done: Promise<void>;
  private readonly upstream: Socket;
  /** Chunks held while frozen or delayed, with the socket they go to; null is a FIN. */
  private readonly held: { to: Socket; chunk: Buffer | null; due: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    private readonly downstream: Socket,
    targetPort: number,
    private readonly proxy: FaultProxy,
  ) {
    this.upstream = connect({ host: '127.0.0.1', port: targetPort });
    let finished!: () => void;
    this.done = new Promise((resolve) => (finished = resolve));
    for (const [from, to] of [
      [downstream, this.upstream],
      [this.upstream, downstream],
    ] as const) {
      from.on('data', (chunk: Buffer) => this.forward(to, chunk));
      // A FIN is passed on in order with the data (held back while frozen: a frozen link tells
      // neither side anything); an error resets the other side.
      from.on('end', () => this.forward(to, null));
      from.on('error', () => {
        if (!this.proxy.state.frozen && !to.destroyed) to.resetAndDestroy();
      });
      from.on('close', () => {
        if (downstream.destroyed && this.upstream.destroyed) {
          clearTimeout(this.timer);
          finished();
        }
      });
    }
  }

  end(how: 'reset' | 'fin'): void {
    this.ended = true;
    this.held.length = 0;
    clearTimeout(this.timer);
    for (const socket of [this.downstream, this.upstream]) {
      if (how === 'reset') {
        if (!socket.destroyed) socket.resetAndDestroy();
      } else {
        socket.end();
        setTimeout(() => socket.destroy(), 1000).unref();
      }
    }
  }

  /** Sends what is held and due, in order. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const { frozen } = this.proxy.state;
    if (frozen || this.ended) return;
    const now = Date.now();
    while (this.held.length > 0 && this.held[0].due <= now) {
      const { to, chunk } = this.held.shift()!;
      if (to.destroyed) continue;
      if (chunk === null) to.end();
      else to.write(chunk);
    }
    if (this.held.length > 0) this.timer = setTimeout(() => this.flush(), this.held[0].due - now);
  }

  private forward(to: Socket, chunk: Buffer | null): void {
    if (this.ended) return;
    const { delayMs, frozen } = this.proxy.state;
    if (!frozen && delayMs === 0 && this.held.length === 0) {
      if (chunk === null) to.end();
      else to.write(chunk);
      return;
    }
    this.held.push({ to, chunk, due: Date.now() + delayMs });
    if (this.timer === undefined && !frozen) this.flush();
  }
}
