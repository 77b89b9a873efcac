import type { Frame } from '../../../src/protocol';
import { MessageType as M } from '../../../src/protocol';
import { msgpackSerializer } from '../../../src/protocol/serializers';
import { Router } from '../../../src/router';
import { errorLogger } from '../helpers/error-log';
import { ScriptedPeer } from '../helpers/peer';
import { linkTarget, SocketLink, type SerializerKind } from '../helpers/socket-link';

/** Order lines: a payload well past the length from which the router forwards its bytes. */
const LINES = JSON.stringify(
  Array.from({ length: 60 }, (_, i) => ({ sku: `sku-${i}`, qty: i, price: 1.25 * i, note: 'by hand' })),
);
/** What a JSON peer writes and JSON.parse would round: it must reach JSON peers as written. */
const PAYLOAD = `[9007199254740993,"\\u0000AAEC","caf\\u00e9",${LINES}],{"total":1.50,"big":-9223372036854775807}`;

/**
 * The router forwards the Arguments / ArgumentsKw of large JSON frames as their bytes, checked
 * and not parsed, over real sockets: JSON peers get the bytes as the sender wrote them, peers of
 * other serializers and the router's own readers get the values, and a payload that is not JSON
 * is refused as before.
 */
describe('JSON payloads the router forwards as bytes', () => {
  let router: Router;
  const errorLogs: string[] = [];

  beforeAll(async () => {
    router = await Router.start({
      listeners: [
        { type: 'websocket', port: 0 },
        { type: 'rawsocket', port: 0 },
      ],
      logger: errorLogger(errorLogs),
    });
  });

  afterAll(async () => {
    await router.stop();
  });

  /** A peer over a real socket, with every text frame it received as the router sent it. */
  async function peer(
    transport: 'websocket' | 'rawsocket',
    serializer: SerializerKind,
  ): Promise<{ peer: ScriptedPeer; link: SocketLink; texts: string[]; frames: Buffer[] }> {
    const link = await SocketLink.open(
      linkTarget({ transport, serializer }, router.listeners[0].url, router.listeners[1].port!),
    );
    const texts: string[] = [];
    const frames: Buffer[] = [];
    const attach = link.attach.bind(link);
    link.attach = (handlers) =>
      attach({
        ...handlers,
        message: (frame: Frame) => {
          if (frame instanceof Uint8Array) frames.push(Buffer.from(frame));
          if (serializer === 'json')
            texts.push(typeof frame === 'string' ? frame : Buffer.from(frame as Uint8Array).toString());
          handlers.message(frame);
        },
      });
    const scripted = new ScriptedPeer(link);
    await scripted.hello();
    return { peer: scripted, link, texts, frames };
  }

  it.each([
    ['websocket', 'websocket'],
    ['rawsocket', 'websocket'],
    ['websocket', 'rawsocket'],
  ] as const)('CALL over %s to a JSON callee over %s: the payload bytes both ways', async (from, to) => {
    const callee = await peer(to, 'json');
    const caller = await peer(from, 'json');
    await callee.peer.register('shop.echo');
    caller.link.sendText(`[48,1,{},"shop.echo",${PAYLOAD}]`);
    const invocation = await callee.peer.expect(M.INVOCATION);
    expect(callee.texts.at(-1)).toBe(`[68,${invocation[1]},${invocation[2]},{},${PAYLOAD}]`);
    expect(typeof (invocation[4] as unknown[])[0]).toBe('bigint');
    callee.link.sendText(`[70,${invocation[1]},{},${PAYLOAD}]`);
    await caller.peer.expect(M.RESULT);
    expect(caller.texts.at(-1)).toBe(`[50,1,{},${PAYLOAD}]`);
    await callee.peer.leave();
    await caller.peer.leave();
    expect(errorLogs).toEqual([]);
  });

  it('gives a msgpack callee and subscriber the values, a JSON subscriber the bytes', async () => {
    const callee = await peer('rawsocket', 'msgpack');
    const subscriber = await peer('websocket', 'cbor');
    const jsonSubscriber = await peer('websocket', 'json');
    const caller = await peer('websocket', 'json');
    await callee.peer.register('shop.echo');
    await subscriber.peer.subscribe('shop.orders');
    await jsonSubscriber.peer.subscribe('shop.orders');
    const expected = [
      [9007199254740993n, Buffer.from([0, 1, 2]), 'café', JSON.parse(LINES)],
      { total: 1.5, big: -9223372036854775807n },
    ];
    caller.link.sendText(`[48,1,{},"shop.echo",${PAYLOAD}]`);
    const invocation = await callee.peer.expect(M.INVOCATION);
    expect(invocation.slice(4)).toEqual(expected);
    callee.peer.send([M.YIELD, invocation[1], {}, invocation[4], invocation[5]]);
    const result = await caller.peer.expect(M.RESULT);
    expect(result.slice(3)).toEqual(expected);
    caller.link.sendText(`[16,2,{"acknowledge":true},"shop.orders",${PAYLOAD}]`);
    await caller.peer.expect(M.PUBLISHED);
    expect((await subscriber.peer.expect(M.EVENT)).slice(4)).toEqual(expected);
    const event = await jsonSubscriber.peer.expect(M.EVENT);
    expect(jsonSubscriber.texts.at(-1)).toBe(`[36,${event[1]},${event[2]},{},${PAYLOAD}]`);
    for (const p of [callee, subscriber, jsonSubscriber, caller]) await p.peer.leave();
  });

  it('forwards msgpack payload bytes between msgpack peers, and gives a JSON peer the values', async () => {
    const callee = await peer('websocket', 'msgpack');
    const caller = await peer('rawsocket', 'msgpack');
    const subscriber = await peer('websocket', 'json');
    await callee.peer.register('shop.echo');
    await subscriber.peer.subscribe('shop.orders');
    const pack = (wire: unknown[]) => Buffer.from(msgpackSerializer.serialize(wire) as Uint8Array);
    // Written as no msgpack library here writes it (5 as a uint32): the bytes show what was forwarded.
    const args = [5, 9007199254740993n, Buffer.from([0, 1, 2]), JSON.parse(LINES)];
    const argsBytes = Buffer.concat([Buffer.from([0x94, 0xce, 0, 0, 0, 5]), pack(args.slice(1)).subarray(1)]);
    /** A frame of `head` followed by `argsBytes`, the head array's size counting them. */
    const withArgs = (head: unknown[]) => {
      const bytes = pack(head);
      bytes[0] += 1;
      return Buffer.concat([bytes, argsBytes]);
    };
    caller.link.sendBinary(withArgs([M.CALL, 1, {}, 'shop.echo']));
    const invocation = await callee.peer.expect(M.INVOCATION);
    expect(invocation[4]).toEqual(args);
    expect(callee.frames.at(-1)).toEqual(withArgs([M.INVOCATION, invocation[1], invocation[2], {}]));
    callee.link.sendBinary(withArgs([M.YIELD, invocation[1], {}]));
    await caller.peer.expect(M.RESULT);
    expect(caller.frames.at(-1)).toEqual(withArgs([M.RESULT, 1, {}]));
    caller.link.sendBinary(withArgs([M.PUBLISH, 2, { acknowledge: true }, 'shop.orders']));
    await caller.peer.expect(M.PUBLISHED);
    expect((await subscriber.peer.expect(M.EVENT))[4]).toEqual(args);
    for (const p of [callee, caller, subscriber]) await p.peer.leave();
    expect(errorLogs).toEqual([]);
  });

  it('gives a msgpack callee what decoding gives of a payload whose strings are not UTF-8, not the bad bytes', async () => {
    const callee = await peer('rawsocket', 'msgpack');
    const caller = await peer('websocket', 'msgpack');
    await callee.peer.register('shop.echo');
    const pack = (wire: unknown[]) => Buffer.from(msgpackSerializer.serialize(wire) as Uint8Array);
    const bad = Buffer.from([0xa3, 0x61, 0xc3, 0x28]); // fixstr "a" + an invalid 2-byte sequence
    const good = pack([M.CALL, 1, {}, 'shop.echo', [JSON.parse(LINES), 0]]);
    const frame = Buffer.concat([good.subarray(0, good.length - 1), bad]);
    caller.link.sendBinary(frame);
    const invocation = await callee.peer.expect(M.INVOCATION);
    const decoded = msgpackSerializer.deserialize(frame) as unknown[];
    expect(callee.frames.at(-1)).toEqual(pack([M.INVOCATION, invocation[1], invocation[2], {}, decoded[4]]));
    expect(callee.frames.at(-1)!.includes(bad)).toBe(false);
    callee.peer.send([M.YIELD, invocation[1], {}]);
    await caller.peer.expect(M.RESULT);
    for (const p of [callee, caller]) await p.peer.leave();
  });

  it('gives an in-process callee the values', async () => {
    const callee = await ScriptedPeer.join(router);
    const caller = await peer('websocket', 'json');
    await callee.register('shop.echo');
    caller.link.sendText(`[48,1,{},"shop.echo",[${LINES}],{"n":9007199254740993}]`);
    const invocation = await callee.expect(M.INVOCATION);
    expect(invocation.slice(4)).toEqual([[JSON.parse(LINES)], { n: 9007199254740993n }]);
    callee.send([M.YIELD, invocation[1], {}, [1]]);
    expect((await caller.peer.expect(M.RESULT))[3]).toEqual([1]);
    await callee.leave();
    await caller.peer.leave();
  });

  it('answers a meta procedure called with a large JSON payload from its values', async () => {
    const caller = await peer('websocket', 'json');
    const padding = 'x'.repeat(2048);
    caller.link.sendText(`[48,1,{},"wamp.session.count",[["no-such-role-${padding}"]]]`);
    expect((await caller.peer.expect(M.RESULT))[3]).toEqual([0]);
    await caller.peer.leave();
  });

  const big = LINES;
  it.each([
    ['a bad escape', `[${big},"\\x"]`],
    ['a control character', `[${big},"a\u0001b"]`],
    ['trailing garbage', `[${big}]] x`],
    ['a trailing comma', `[${big},]`],
    ['01', `[${big},01]`],
    ['1.', `[${big},1.]`],
    ['-', `[${big},-]`],
    ['an unterminated string', `[${big},"abc]`],
  ])(
    'refuses a CALL whose payload has %s (protocol violation), over both transports',
    async (_what, payload) => {
      for (const transport of ['websocket', 'rawsocket'] as const) {
        const callee = await peer('websocket', 'json');
        await callee.peer.register('shop.echo');
        const caller = await peer(transport, 'json');
        caller.link.sendText(`[48,1,{},"shop.echo",${payload}]`);
        const abort = await caller.peer.expect(M.ABORT);
        expect(abort[2]).toBe('wamp.error.protocol_violation');
        await caller.link.closed;
        // The callee heard nothing of it.
        await callee.peer.sync();
        expect(callee.peer.inbox).toEqual([]);
        await callee.peer.leave();
      }
      expect(errorLogs).toEqual([]);
    },
  );
});
