import { encodeFramePrefix, FrameType } from '../../../src/transport';
import { MessageType as M } from '../../../src/protocol';
import { cborSerializer, jsonSerializer, msgpackSerializer } from '../../../src/protocol/serializers';
import type { Router, RouterStartOptions } from '../../../src/router';
import { FaultProxy } from '../../helpers/fault-proxy';
import { until } from '../../helpers/until';
import { RawClient } from '../../transport/rawsocket/raw-peers';
import { Opcode, RawWebSocket } from '../../transport/websocket/raw-websocket';
import { ALL_CLIENT_ROLES, ScriptedPeer } from '../helpers/peer';
import { capturingLogger } from '../../helpers/capturing-logger';
import { linesWith } from '../helpers/log-lines';
import { startRouter } from '../helpers/router';

/**
 * The attacks of issue 11 against a live router over real sockets, with small limits so each
 * stays cheap: what a hostile or vanished peer costs is bounded (bytes the router reports
 * through `router.stats`, time), and a reference session keeps working throughout.
 */
describe('a live router under memory and liveness attacks', () => {
  let router: Router;
  const undo: (() => unknown)[] = [];

  async function start(options: RouterStartOptions = {}): Promise<void> {
    router = await startRouter({
      listeners: [
        { type: 'websocket', port: 0, keepAlive: false },
        { type: 'rawsocket', port: 0, keepAlive: false },
      ],
      ...options,
    });
  }

  afterEach(async () => {
    for (const step of undo.splice(0).reverse()) await step();
    await router?.stop();
  });

  const wsPort = () => router.listeners[0].port!;
  const rsPort = () => router.listeners[1].port!;
  const hello = JSON.stringify([M.HELLO, 'realm1', { roles: ALL_CLIENT_ROLES }]);

  async function rawWebSocket(join: boolean): Promise<RawWebSocket> {
    const raw = await RawWebSocket.open(wsPort());
    undo.push(() => raw.destroy());
    if (join) {
      raw.write(RawWebSocket.frame(Opcode.TEXT, true, hello));
      await until(() => raw.received.includes('"realm1"') || raw.received.length > 20, { what: 'WELCOME' });
    }
    return raw;
  }

  async function rawSocket(join: boolean): Promise<RawClient> {
    const raw = await RawClient.connect({ port: rsPort() });
    undo.push(() => raw.destroy());
    raw.write([0x7f, 0xf1, 0, 0]);
    await raw.bytes(4);
    if (join) {
      const bytes = Buffer.from(hello);
      raw.write(Buffer.concat([encodeFramePrefix(FrameType.MESSAGE, bytes.length), bytes]));
      await raw.bytes(12);
    }
    return raw;
  }

  /** A joined reference session that must keep working. */
  async function reference(): Promise<ScriptedPeer> {
    const peer = await ScriptedPeer.connect(router.listeners[0].url);
    await peer.hello();
    undo.push(() => peer.transport.close());
    return peer;
  }

  /** Sends all but the last byte of a message of `size` bytes, then nothing. */
  function unfinished(attacker: RawWebSocket | RawClient, size: number): void {
    const body = Buffer.alloc(size - 1, 0x20);
    if (attacker instanceof RawWebSocket)
      attacker.write(Buffer.concat([RawWebSocket.header(Opcode.TEXT, true, size), body]));
    else attacker.write(Buffer.concat([encodeFramePrefix(FrameType.MESSAGE, size), body]));
  }

  /** The most `router.stats.bufferedBytes` showed while `work` ran, read every millisecond. */
  async function peakBuffered(work: () => Promise<void>): Promise<number> {
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, router.stats.bufferedBytes)), 1);
    try {
      await work();
    } finally {
      clearInterval(sampler);
    }
    return Math.max(peak, router.stats.bufferedBytes);
  }

  // 48 MiB budget: the router holds up to 24 MiB of buffers and stops reading growing links at 90 % of it.
  const maxMessageSize = 4 * 1024 * 1024;
  const maxBufferedBytes = 48 * 1024 * 1024;
  const holdLimit = maxBufferedBytes / 2;

  it('unfinished messages of the maximum size: near its budget the router stops reading them instead of taking their bytes (none dropped, never more held than it may), refuses new sessions meanwhile and serves the others', async () => {
    const logs = capturingLogger();
    await start({ limits: { maxMessageSize, maxBufferedBytes }, logger: logs.logger });
    const ref = await reference();
    const attackers = [
      ...(await Promise.all(Array.from({ length: 8 }, () => rawWebSocket(true)))),
      ...(await Promise.all(Array.from({ length: 8 }, () => rawSocket(true)))),
    ];
    // 16 x 4 MiB = 64 MiB wanted, against 24 MiB that may be held.
    const peak = await peakBuffered(async () => {
      for (const a of attackers) unfinished(a, maxMessageSize);
      await until(() => router.stats.bufferedBytes >= holdLimit * 0.9, { what: 'the budget full' });
      // Sweeps pass (every 250 ms): the links stay paused, not dropped.
      await new Promise((resolve) => setTimeout(resolve, 600));
    });
    expect(peak).toBeLessThanOrEqual(holdLimit);
    expect(attackers.filter((a) => a.socket.destroyed)).toHaveLength(0);
    expect(linesWith(logs.lines, 'dropping a session')).toHaveLength(0);
    // While it is full, a new session is refused, and the sessions it holds are served.
    const late = await ScriptedPeer.connect(router.listeners[0].url);
    late.send([M.HELLO, 'realm1', { roles: ALL_CLIENT_ROLES }]);
    expect((await late.expect(M.ABORT))[2]).toBe('wservice.error.router_overloaded');
    expect(await ref.callForResult('wamp.session.count')).toEqual([expect.any(Number)]);
  });

  it('a large message that had to wait for room is read to its end once the budget has room again', async () => {
    // permissive: the reference may kill the attackers (wamp.session.kill).
    await start({ permissive: true, limits: { maxMessageSize, maxBufferedBytes } });
    const ref = await reference();
    const publisher = await rawWebSocket(true);
    const attackers = await Promise.all(Array.from({ length: 12 }, () => rawSocket(true)));
    for (const a of attackers) unfinished(a, maxMessageSize);
    await until(() => router.stats.bufferedBytes >= holdLimit * 0.9, { what: 'the budget full' });
    // The joined peer publishes 3 MiB with acknowledgement while the budget is full.
    const text = 'x'.repeat(3 * 1024 * 1024);
    publisher.write(
      RawWebSocket.frame(
        Opcode.TEXT,
        true,
        JSON.stringify([M.PUBLISH, 7, { acknowledge: true }, 'com.example.big', [text]]),
      ),
    );
    const published = JSON.stringify([M.PUBLISHED, 7]).slice(0, -1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Not read to its end: the rest waits in its socket, not in the router's memory.
    expect(publisher.received.toString()).not.toContain(published);
    expect(router.stats.bufferedBytes).toBeLessThanOrEqual(holdLimit);
    // The attackers go (a paused link is not read, so it would see its peer leave only at its
    // messageTimeout): the budget has room, and the publisher is read again.
    const [ids] = (await ref.callForResult('wamp.session.list')) as [number[]];
    const publisherId = Number(/\[2,(\d+),/.exec(publisher.received.toString())![1]);
    for (const id of ids) {
      if (id !== publisherId && id !== ref.sessionId) await ref.callForResult('wamp.session.kill', [id]);
    }
    await until(() => publisher.received.toString().includes(published), {
      what: 'PUBLISHED',
      timeout: 5000,
    });
  });

  it('a link paused by the budget is still cut by limits.messageTimeout, and then new sessions are accepted', async () => {
    await start({ limits: { maxMessageSize, maxBufferedBytes, messageTimeout: 1000 } });
    const attackers = await Promise.all(Array.from({ length: 12 }, () => rawWebSocket(true)));
    for (const a of attackers) unfinished(a, maxMessageSize);
    await until(() => router.stats.bufferedBytes >= holdLimit * 0.9, { what: 'the budget full' });
    await Promise.all(attackers.map((a) => a.closed));
    // Within a sweep of the budget (250 ms) at most.
    const joined = async (): Promise<boolean> => {
      const late = await ScriptedPeer.connect(router.listeners[0].url);
      undo.push(() => late.transport.close());
      late.send([M.HELLO, 'realm1', { roles: ALL_CLIENT_ROLES }]);
      return (await late.next())[0] === M.WELCOME;
    };
    await until(joined, { what: 'a new session accepted', timeout: 2000 });
  });

  it('an unfinished message is dropped after limits.messageTimeout, on either transport', async () => {
    await start({ limits: { messageTimeout: 300 } });
    const ws = await rawWebSocket(true);
    const rs = await rawSocket(true);
    ws.write(RawWebSocket.header(Opcode.TEXT, true, 1000));
    rs.write(encodeFramePrefix(FrameType.MESSAGE, 1000));
    await Promise.all([ws.closed, rs.closed]);
    await until(() => router.stats.transports === 0, { what: 'no transport left' });
  });

  it('a RawSocket peer that PINGs and never reads is dropped at the outbound limit, even before HELLO', async () => {
    await start({ limits: { outboundHardLimit: 512 * 1024 } });
    const raw = await rawSocket(false);
    raw.socket.pause();
    const ping = Buffer.concat([encodeFramePrefix(FrameType.PING, 64 * 1024), Buffer.alloc(64 * 1024)]);
    for (let i = 0; i < 1024 && !raw.socket.destroyed && router.stats.transports > 0; i++) {
      if (!raw.socket.write(ping)) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await until(() => router.stats.transports === 0, { what: 'the pinger dropped' });
  });

  it('idle sockets cannot lock clients out: past maxPendingConnections the oldest go; nothing is held past openTimeout', async () => {
    await start({ limits: { maxPendingConnections: 20, maxPendingPerAddress: 20, openTimeout: 500 } });
    const idle = await Promise.all(Array.from({ length: 30 }, () => RawWebSocket.tcp(wsPort())));
    undo.push(() => idle.forEach((s) => s.destroy()));
    await until(() => idle.filter((s) => s.socket.destroyed).length >= 10, {
      what: 'the oldest idle sockets closed',
    });
    // A real client still gets in, and joins.
    await reference();
    await Promise.all(idle.map((s) => s.closed));
    await until(() => router.stats.pendingConnections === 0, { what: 'no pending connection left' });
  });

  it('a paused caller past the outbound hard limit is dropped and its buffers freed at once', async () => {
    await start({ limits: { outboundHardLimit: 1024 * 1024, outboundHighWaterMark: 256 * 1024 } });
    const callee = await reference();
    await callee.register('com.example.big');
    const caller = await rawWebSocket(true);
    caller.socket.pause();
    const big = 'x'.repeat(128 * 1024);
    for (let i = 1; i <= 60; i++) {
      caller.write(RawWebSocket.frame(Opcode.TEXT, true, JSON.stringify([M.CALL, i, {}, 'com.example.big'])));
    }
    for (let i = 0; i < 60; i++) {
      let invocation: unknown[];
      try {
        invocation = await callee.expect(M.INVOCATION, 1000);
      } catch {
        break;
      }
      callee.send([M.YIELD, invocation[1], {}, [big]]);
    }
    const before = router.stats.transports;
    await until(() => router.stats.transports < before, { what: 'the paused caller dropped', timeout: 3000 });
    // Not ws's 30 s close timeout: the link is gone, and its bytes with it.
    expect(router.stats.bufferedBytes).toBeLessThan(1024 * 1024);
  });

  it('every legal RawSocket length octet gets WELCOME (or ABORT), never silence and no zombie session', async () => {
    await start({ auth: { anonymous: { role: 'anonymous' } } });
    for (let exponent = 0; exponent <= 15; exponent++) {
      for (const serializer of [1, 2, 3]) {
        const raw = await RawClient.connect({ port: rsPort() });
        undo.push(() => raw.destroy());
        raw.write([0x7f, (exponent << 4) | serializer, 0, 0]);
        expect([...(await raw.bytes(4))]).toEqual([0x7f, 0xf0 | serializer, 0, 0]);
        const helloFrame =
          serializer === 1
            ? Buffer.from(hello)
            : Buffer.from(
                (serializer === 2 ? msgpackSerializer : cborSerializer).serialize(
                  JSON.parse(hello) as never,
                ) as Uint8Array,
              );
        raw.write(Buffer.concat([encodeFramePrefix(FrameType.MESSAGE, helloFrame.length), helloFrame]));
        const prefix = await raw.bytes(8);
        const length = prefix.readUInt32BE(4) & 0xffffff;
        expect(length).toBeLessThanOrEqual(2 ** (9 + exponent));
        const payload = (await raw.bytes(8 + length)).subarray(8);
        const serializerOf = [jsonSerializer, msgpackSerializer, cborSerializer][serializer - 1];
        const message = serializerOf.deserialize(
          serializer === 1 ? payload.toString() : payload,
        ) as unknown[];
        expect([M.WELCOME, M.ABORT]).toContain(message[0]);
        raw.destroy();
      }
    }
    await until(() => router.stats.sessions === 0 && router.stats.transports === 0, { what: 'nothing held' });
  });

  it('a joined callee whose packets stop is dropped by keep-alive, and its caller hears at that moment', async () => {
    router = await startRouter({
      listeners: [{ type: 'websocket', port: 0, keepAlive: { interval: 200, timeout: 200 } }],
    });
    const proxy = await FaultProxy.start(wsPort());
    undo.push(() => proxy.stop());
    const callee = await ScriptedPeer.connect(`ws://127.0.0.1:${proxy.port}/ws`);
    await callee.hello();
    await callee.register('com.example.slow');
    const caller = await reference();
    const request = caller.call('com.example.slow');
    await callee.expect(M.INVOCATION);
    proxy.freeze();
    const frozenAt = Date.now();
    const error = await caller.expect(M.ERROR, 5000);
    expect(error.slice(0, 5)).toEqual([M.ERROR, M.CALL, request, {}, 'wamp.error.canceled']);
    expect(Date.now() - frozenAt).toBeLessThan(2000);
  });
});
