import {
  encodeFramePrefix,
  FrameType,
  listenRawSocket,
  PendingConnections,
  type Listener,
  type RawSocketListenOptions,
  type Transport,
} from '../../../src/transport';
import { until } from '../../helpers/until';
import { cleanupAfterEach, collect, deferred } from '../helpers';
import { RawClient } from './raw-peers';

/** JSON, the largest length exponent (16 MiB). */
const HANDSHAKE = [0x7f, 0xf1, 0, 0];

/** What a hostile RawSocket peer may cost a server: bounded bytes and bounded time. */
describe('RawSocket server under hostile peers', () => {
  const cleanup = cleanupAfterEach();

  async function listen(
    options: Partial<RawSocketListenOptions> = {},
  ): Promise<{ listener: Listener; next: () => Promise<Transport> }> {
    let waiting = deferred<Transport>();
    const listener = await listenRawSocket(
      { port: 0, keepAlive: false, ...options } as RawSocketListenOptions,
      (t) => waiting.resolve(t),
    );
    cleanup.push(() => listener.close());
    const next = async (): Promise<Transport> => {
      const t = await waiting.promise;
      waiting = deferred<Transport>();
      return t;
    };
    return { listener, next };
  }

  async function peer(listener: Listener, handshake = true): Promise<RawClient> {
    const raw = await RawClient.connect({ port: listener.port! });
    cleanup.push(() => raw.destroy());
    if (handshake) {
      raw.write(HANDSHAKE);
      await raw.bytes(4);
    }
    return raw;
  }

  it('drops a peer that sends PINGs and never reads the PONGs, before any HELLO', async () => {
    const { listener, next } = await listen({ outboundLimit: 256 * 1024 });
    const raw = await peer(listener);
    const seen = collect(await next());
    raw.socket.pause();
    const ping = Buffer.concat([encodeFramePrefix(FrameType.PING, 64 * 1024), Buffer.alloc(64 * 1024)]);
    // 64 MiB of pings, far more than the kernel's socket buffers hold: without the limit the
    // server would queue every PONG.
    for (let i = 0; i < 1024 && !raw.socket.destroyed; i++) {
      if (!raw.socket.write(ping)) await new Promise((resolve) => setTimeout(resolve, 1));
      if (seen.closes.length > 0) break;
    }
    expect(await seen.closed).toMatchObject({ wasClean: false, error: { code: 'OUTBOUND_LIMIT' } });
  });

  it('holds only the bytes of an unfinished frame that were sent, not the size it announced', async () => {
    const { listener, next } = await listen();
    const raw = await peer(listener);
    const server = await next();
    collect(server);
    raw.write(Buffer.concat([encodeFramePrefix(FrameType.MESSAGE, 16 * 1024 * 1024), Buffer.alloc(1000)]));
    await until(() => server.inboundBufferedAmount === 1000, { what: '1000 bytes buffered' });
  });

  it('drops a peer whose frame is not complete within messageTimeout', async () => {
    const { listener, next } = await listen({ messageTimeout: 300 });
    const raw = await peer(listener);
    const seen = collect(await next());
    raw.write(Buffer.concat([encodeFramePrefix(FrameType.MESSAGE, 100), Buffer.from('[1,')]));
    const pings = setInterval(() => raw.write(encodeFramePrefix(FrameType.PONG, 0)), 50);
    cleanup.push(() => clearInterval(pings));
    expect(await seen.closed).toMatchObject({ wasClean: false, error: { code: 'MESSAGE_TIMEOUT' } });
  });

  it('closes the oldest connections still in the handshake past the cap', async () => {
    const pending = new PendingConnections({ maxPending: 3, maxPendingPerAddress: 2 });
    const { listener } = await listen({ pending });
    const idle = [await peer(listener, false), await peer(listener, false), await peer(listener, false)];
    // Two per address: the first went to admit the third.
    await idle[0].closed;
    expect(idle[1].socket.destroyed || idle[2].socket.destroyed).toBe(false);
    expect(pending.size).toBe(2);
  });
});
