/** A listening endpoint (WebSocket or RawSocket server). */
export interface Listener {
  /** Where clients connect: `ws://127.0.0.1:8080/ws`, `rs://127.0.0.1:8081`, `unix:/tmp/wamp.sock`. */
  readonly url: string;
  /** The bound TCP port (useful with `port: 0`); absent for unix sockets. */
  readonly port?: number;
  /** The WebSocket path, or the unix socket file. */
  readonly path?: string;
  /** Stops accepting, closes every open transport and resolves once they are closed. */
  close(): Promise<void>;
}
