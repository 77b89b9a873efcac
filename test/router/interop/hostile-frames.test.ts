import fc from 'fast-check';
import { cryptosign, MessageType as M } from '../../../src/protocol';
import { cborSerializer, jsonSerializer, msgpackSerializer } from '../../../src/protocol/serializers';
import { Router, type RouterStats } from '../../../src/router';
import { encodeFramePrefix, FrameType } from '../../../src/transport';
import { until } from '../../helpers/until';
import { RawClient } from '../../transport/rawsocket/raw-peers';
import { RawWebSocket } from '../../transport/websocket/raw-websocket';
import { errorLogger } from '../helpers/error-log';
import { eventually } from '../helpers/eventually';
import { ALL_CLIENT_ROLES, ScriptedPeer } from '../helpers/peer';
import { LINK_KINDS, linkTarget, SocketLink } from '../helpers/socket-link';

const MAX_MESSAGE = 64 * 1024;
const RUNS = 40;
const ALICE_SEED = cryptosign.generateSeed();
const SERIALIZERS = [jsonSerializer, msgpackSerializer, cborSerializer];
/** Why a hostile session may be aborted: each with a readable message. */
const EXPECTED_ABORTS = [
  'wamp.error.protocol_violation',
  'wamp.error.payload_size_exceeded',
  'wamp.error.authentication_failed',
  'wamp.error.no_auth_method',
  'wamp.error.no_such_realm',
];

/**
 * The hostile-client properties of issue 11's "Done when" that hostile-clients.test.ts does
 * not cover, against one live router over real sockets: any RawSocket handshake octets; any
 * WebSocket frame sequence (fragments, control frames, reserved bits, invalid UTF-8); msgpack
 * extension types and CBOR tags; deeply nested, oversized and unfinished frames; any answer
 * to a WAMP-CRA or cryptosign challenge. After each run the router holds what it held before,
 * logged no error of its own, and a reference session is served.
 */
describe('a live router under hostile frames', () => {
  let router: Router;
  let reference: ScriptedPeer;
  let baseline: RouterStats;
  const errorLogs: string[] = [];

  beforeAll(async () => {
    router = await Router.start({
      listeners: [
        { type: 'websocket', port: 0 },
        { type: 'rawsocket', port: 0 },
      ],
      auth: {
        anonymous: { role: 'anonymous' },
        wampcra: { users: { carol: { secret: 'carol-secret', role: 'anonymous' } } },
        cryptosign: {
          principals: { alice: { authorizedKeys: [cryptosign.publicKeyHex(ALICE_SEED)], role: 'anonymous' } },
        },
      },
      limits: { maxMessageSize: MAX_MESSAGE, messageTimeout: 300, shutdownTimeout: 100 },
      logger: errorLogger(errorLogs),
    });
    reference = await ScriptedPeer.join(router);
    baseline = router.stats;
  });

  afterAll(async () => {
    await router.stop();
  });

  const wsPort = () => router.listeners[0].port!;
  const rsPort = () => router.listeners[1].port!;

  /** The router holds what it held before the run, logged no error, and serves the reference. */
  async function expectHealthy(): Promise<void> {
    await eventually(() => expect(router.stats).toEqual(baseline));
    expect(await reference.callForResult('wamp.session.count')).toEqual([1]);
    expect(errorLogs).toEqual([]);
  }

  /** Every ABORT names an expected reason, with a readable message. */
  function expectClearAborts(inbox: unknown[][]): void {
    for (const message of inbox.filter((m) => m[0] === M.ABORT)) {
      expect(EXPECTED_ABORTS).toContain(message[2]);
      expect((message[1] as { message?: unknown }).message).toEqual(expect.stringMatching(/\S/));
    }
  }

  it('answers any four RawSocket handshake octets with a reply or a close, and a HELLO after it with WELCOME or ABORT', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(0x7f), fc.integer({ min: 0, max: 255 })),
        fc.integer({ min: 0, max: 255 }),
        fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 255 })),
        fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 255 })),
        async (magic, second, third, fourth) => {
          errorLogs.length = 0;
          const raw = await RawClient.connect({ port: rsPort() });
          let closed = false;
          void raw.closed.then(() => (closed = true));
          raw.write([magic, second, third, fourth]);
          await until(() => raw.received.length >= 4 || closed, { what: 'a reply or a close' });
          if (raw.received.length >= 4) {
            const reply = raw.received.subarray(0, 4);
            expect(reply[0]).toBe(0x7f);
            const accepted = (reply[1] & 0x0f) !== 0 && reply[2] === 0 && reply[3] === 0;
            if (accepted) {
              // Accepted: it echoes the serializer, announces its own limit, and answers HELLO.
              expect(reply[1] & 0x0f).toBe(second & 0x0f);
              const serializer = SERIALIZERS[(second & 0x0f) - 1];
              const hello = serializer.serialize([M.HELLO, 'realm1', { roles: ALL_CLIENT_ROLES }]);
              const bytes = typeof hello === 'string' ? Buffer.from(hello) : Buffer.from(hello as Uint8Array);
              raw.write(Buffer.concat([encodeFramePrefix(FrameType.MESSAGE, bytes.length), bytes]));
              const prefix = await raw.bytes(8);
              const payload = await raw.bytes(8 + (prefix.readUInt32BE(4) & 0xffffff));
              const body = payload.subarray(8);
              const answer = serializer.deserialize(serializer.binary ? body : body.toString()) as unknown[];
              expect([M.WELCOME, M.ABORT]).toContain(answer[0]);
            } else {
              await raw.closed;
            }
          }
          raw.destroy();
          await expectHealthy();
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  /** One WebSocket frame as a hostile client may write it: any opcode, bits, mask and payload. */
  const wsFrame = fc.record({
    opcode: fc.constantFrom(0, 1, 2, 3, 7, 8, 9, 10, 11, 15),
    fin: fc.boolean(),
    rsv: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 7 })),
    masked: fc.oneof(fc.constant(true), fc.constant(false)),
    payload: fc.oneof(
      fc.constant(Buffer.from(JSON.stringify([M.HELLO, 'realm1', { roles: ALL_CLIENT_ROLES }]))),
      fc.constant(Buffer.from(JSON.stringify([M.CALL, 1, {}, 'wamp.session.count']))),
      // Invalid UTF-8: a lone continuation byte, an overlong encoding, a surrogate, a cut sequence.
      fc.constantFrom(
        Buffer.from([0x80]),
        Buffer.from([0xc0, 0xaf]),
        Buffer.from([0xed, 0xa0, 0x80]),
        Buffer.from('["x\xe2\x82', 'latin1'),
      ),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
    ),
  });

  function encodeWsFrame(frame: {
    opcode: number;
    fin: boolean;
    rsv: number;
    masked: boolean;
    payload: Buffer;
  }): Buffer {
    const head = RawWebSocket.header(frame.opcode, frame.fin, frame.payload.length);
    head[0] |= frame.rsv << 4;
    if (!frame.masked) {
      // The same header without the mask bit and the (all-zero) masking key.
      head[1] &= 0x7f;
      return Buffer.concat([head.subarray(0, head.length - 4), frame.payload]);
    }
    return Buffer.concat([head, frame.payload]);
  }

  it('survives any sequence of WebSocket frames: fragments, control frames, reserved bits, invalid UTF-8', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(wsFrame, { minLength: 1, maxLength: 6 }), async (frames) => {
        errorLogs.length = 0;
        const raw = await RawWebSocket.open(wsPort());
        let closed = false;
        void raw.closed.then(() => (closed = true));
        for (const frame of frames) raw.write(encodeWsFrame(frame));
        // The router closes the link, or waits for more: either way it holds nothing afterwards.
        await until(() => closed, { timeout: 100 }).catch(() => undefined);
        raw.destroy();
        await expectHealthy();
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('closes a WebSocket with 1007 on invalid UTF-8 text and 1002 on a fragmented control frame', async () => {
    for (const [frames, code] of [
      [[RawWebSocket.frame(1, true, Buffer.from([0x22, 0xc0, 0xaf, 0x22]))], 1007],
      [[RawWebSocket.frame(9, false, 'ping'), RawWebSocket.frame(0, true, 'more')], 1002],
      [[RawWebSocket.frame(9, true, Buffer.alloc(126))], 1002],
    ] as const) {
      const raw = await RawWebSocket.open(wsPort());
      for (const frame of frames) raw.write(frame);
      await raw.closed;
      // The server's close frame: 0x88, length, then the code.
      expect(raw.received[0]).toBe(0x88);
      expect(raw.received.readUInt16BE(2)).toBe(code);
    }
    await expectHealthy();
  });

  /** A msgpack CALL whose argument is an extension value of `type` carrying `data`. */
  function msgpackCallWithExtension(type: number, data: Uint8Array): Uint8Array {
    const head = Buffer.from(
      msgpackSerializer.serialize([M.CALL, 1, {}, 'wamp.session.count']) as Uint8Array,
    );
    // fixarray of 4 -> 5, then `[ext]` as the Arguments list.
    head[0] = 0x95;
    const fixext: Record<number, number> = { 1: 0xd4, 2: 0xd5, 4: 0xd6, 8: 0xd7, 16: 0xd8 };
    const ext =
      fixext[data.length] === undefined
        ? Buffer.from([0xc7, data.length, type & 0xff])
        : Buffer.from([fixext[data.length], type & 0xff]);
    return Buffer.concat([head, Buffer.from([0x91]), ext, data]);
  }

  /** A CBOR CALL whose argument is a tagged value (`tag` over the integer 1). */
  function cborCallWithTag(tag: number): Uint8Array {
    const head = Buffer.from(cborSerializer.serialize([M.CALL, 1, {}, 'wamp.session.count']) as Uint8Array);
    head[0] = 0x85;
    let tagHead: Buffer;
    if (tag < 24) tagHead = Buffer.from([0xc0 | tag]);
    else if (tag < 256) tagHead = Buffer.from([0xd8, tag]);
    else if (tag < 65536) tagHead = Buffer.from([0xd9, tag >> 8, tag & 0xff]);
    else {
      tagHead = Buffer.alloc(5);
      tagHead[0] = 0xda;
      tagHead.writeUInt32BE(tag, 1);
    }
    return Buffer.concat([head, Buffer.from([0x81]), tagHead, Buffer.from([0x01])]);
  }

  it('aborts a session whose msgpack frame holds any extension type, or whose CBOR frame holds any tag', async () => {
    const binaryKinds = LINK_KINDS.filter((k) => k.serializer !== 'json');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...binaryKinds),
        fc.integer({ min: -128, max: 127 }),
        fc.oneof(
          fc.constantFrom(1, 2, 4, 8, 16).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
          fc.uint8Array({ maxLength: 40 }),
        ),
        fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
        async (kind, type, data, tag) => {
          errorLogs.length = 0;
          const link = await SocketLink.open(linkTarget(kind, router.listeners[0].url, rsPort()));
          const peer = new ScriptedPeer(link);
          await peer.hello();
          link.sendBinary(
            kind.serializer === 'msgpack' ? msgpackCallWithExtension(type, data) : cborCallWithTag(tag),
          );
          const abort = await peer.expect(M.ABORT);
          expect(abort[2]).toBe('wamp.error.protocol_violation');
          await link.closed;
          await expectHealthy();
        },
      ),
      { numRuns: RUNS },
    );
  });

  /** A CALL whose Arguments nest `depth` lists deep, written by hand (no serializer would). */
  function deepCall(serializer: 'json' | 'msgpack' | 'cbor', depth: number): Uint8Array | string {
    if (serializer === 'json')
      return `[48,1,{},"wamp.session.count",${'['.repeat(depth)}1${']'.repeat(depth)}]`;
    const head = Buffer.from(
      (serializer === 'msgpack' ? msgpackSerializer : cborSerializer).serialize([
        M.CALL,
        1,
        {},
        'wamp.session.count',
      ]) as Uint8Array,
    );
    head[0] = serializer === 'msgpack' ? 0x95 : 0x85;
    const open = Buffer.alloc(depth, serializer === 'msgpack' ? 0x91 : 0x81);
    return Buffer.concat([head, open, Buffer.from([0x01])]);
  }

  it('answers a deeply nested, an oversized or an unfinished frame without harm to anyone else', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...LINK_KINDS),
        fc.oneof(
          fc.record({ shape: fc.constant('deep' as const), depth: fc.integer({ min: 1, max: 20_000 }) }),
          fc.record({
            shape: fc.constant('large' as const),
            size: fc.integer({ min: MAX_MESSAGE - 64, max: MAX_MESSAGE * 4 }),
          }),
          fc.record({ shape: fc.constant('unfinished' as const), sent: fc.integer({ min: 0, max: 8000 }) }),
        ),
        async (kind, attack) => {
          errorLogs.length = 0;
          const link = await SocketLink.open(linkTarget(kind, router.listeners[0].url, rsPort()));
          const peer = new ScriptedPeer(link);
          try {
            await peer.hello();
            if (attack.shape === 'deep') {
              const frame = deepCall(kind.serializer, attack.depth);
              if (typeof frame === 'string') link.sendText(frame);
              else link.sendBinary(frame);
              // An answer to the call (wamp.session.count refuses such arguments), or an ABORT.
              const answer = await peer.next(5000);
              expect([M.RESULT, M.ERROR, M.ABORT]).toContain(answer[0]);
              if (answer[0] === M.ABORT) expect(answer[2]).toBe('wamp.error.protocol_violation');
            } else if (attack.shape === 'large') {
              const call = [M.CALL, 2, {}, 'wamp.session.count', ['x'.repeat(attack.size)]];
              const frame = link.serializer.serialize(call as never);
              if (typeof frame === 'string') link.sendText(frame);
              else link.sendBinary(frame as Uint8Array);
              const answer = await peer.next(5000);
              const size =
                typeof frame === 'string' ? Buffer.byteLength(frame) : (frame as Uint8Array).length;
              if (size > MAX_MESSAGE)
                expect([answer[0], answer[2]]).toEqual([M.ABORT, 'wamp.error.payload_size_exceeded']);
              else expect([M.RESULT, M.ERROR]).toContain(answer[0]);
            } else if (kind.transport === 'rawsocket') {
              // A frame announced at the limit, of which only `sent` bytes ever come.
              link.sendUnframed(
                Buffer.concat([
                  encodeFramePrefix(FrameType.MESSAGE, MAX_MESSAGE),
                  Buffer.alloc(attack.sent, 0x20),
                ]),
              );
              await until(() => router.stats.bufferedBytes >= attack.sent, { what: 'the bytes held' });
              expect(router.stats.bufferedBytes).toBeLessThanOrEqual(attack.sent + baseline.bufferedBytes);
            } else {
              // A WebSocket message begun in one fragment and never finished: dropped after messageTimeout.
              const raw = await RawWebSocket.open(wsPort());
              raw.write(RawWebSocket.frame(1, false, Buffer.alloc(attack.sent, 0x20)));
              await raw.closed;
            }
          } finally {
            link.kill();
          }
          await link.closed;
          await expectHealthy();
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('refuses any answer to a WAMP-CRA or cryptosign challenge but the right one, holding nothing', async () => {
    const answer = fc.oneof(
      fc.string(),
      fc.uint8Array({ maxLength: 100 }).map((b) => Buffer.from(b).toString('hex')),
      fc.constant('0'.repeat(128)),
      fc.constant('0'.repeat(192)),
      fc.uint8Array({ minLength: 64, maxLength: 64 }).map((b) => Buffer.from(b).toString('hex')),
      fc.constant(null),
      fc.constant(42),
      fc.constant({}),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...LINK_KINDS),
        fc.constantFrom('wampcra', 'cryptosign'),
        fc.constantFrom('carol', 'alice', 'nobody'),
        fc.array(answer, { minLength: 1, maxLength: 3 }),
        fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
        async (kind, method, authid, answers, extra) => {
          errorLogs.length = 0;
          const link = await SocketLink.open(linkTarget(kind, router.listeners[0].url, rsPort()));
          const peer = new ScriptedPeer(link);
          try {
            const authextra = method === 'cryptosign' ? { pubkey: cryptosign.publicKeyHex(ALICE_SEED) } : {};
            peer.send([
              M.HELLO,
              'realm1',
              { roles: ALL_CLIENT_ROLES, authmethods: [method], authid, authextra },
            ]);
            for (const signature of answers) peer.send([M.AUTHENTICATE, signature, extra]);
            // Every path ends in ABORT and the close (a wrong answer, an unknown authid, a second AUTHENTICATE).
            await until(() => peer.inbox.some((m) => m[0] === M.ABORT), { what: 'ABORT' });
            await link.closed;
            expect(peer.inbox.some((m) => m[0] === M.WELCOME)).toBe(false);
            expectClearAborts(peer.inbox as unknown[][]);
          } finally {
            link.kill();
          }
          await expectHealthy();
        },
      ),
      { numRuns: RUNS },
    );
  });
});
