import { Unpackr } from 'msgpackr';
import { Decoder } from 'cbor-x';
import {
  cborSerializer,
  decode,
  encode,
  jsonSerializer,
  messageName,
  MessageType,
  msgpackSerializer,
  SERIALIZERS,
  type Message,
  type Payload,
} from '../../src/protocol';
import { PAYLOAD_TYPES, RICH_PAYLOAD, SAMPLES, sampleOf } from './samples';

/** encode -> serialize -> deserialize -> decode, as a message travels between two peers. */
function travel(message: Message, serializer = jsonSerializer): Message {
  return decode(serializer.deserialize(serializer.serialize(encode(message))));
}

// Each variant: the payload sent, and the payload read back under the spec's empty-arguments rule.
const PAYLOAD_VARIANTS: readonly [string, Payload, Payload][] = [
  ['no payload', {}, {}],
  ['empty args and kwargs', { args: [], kwargs: {} }, {}],
  ['args only', { args: [1, 'a'] }, { args: [1, 'a'] }],
  ['kwargs only', { kwargs: { k: 'v' } }, { args: [], kwargs: { k: 'v' } }],
  ['args and kwargs', { args: [null], kwargs: { k: [1] } }, { args: [null], kwargs: { k: [1] } }],
  ['rich payload', RICH_PAYLOAD, RICH_PAYLOAD],
];

describe('every message type travels through every serializer unchanged', () => {
  it('covers all 24 message types', () => {
    expect(new Set(SAMPLES.map((m) => m.type)).size).toBe(24);
  });

  describe.each(SERIALIZERS.map((s) => [s.name, s] as const))('%s', (_name, serializer) => {
    it.each(SAMPLES.map((m) => [messageName(m.type), m] as const))('%s', (_type, message) => {
      expect(travel(message, serializer)).toEqual(message);
    });

    const withPayload = SAMPLES.filter((m) => PAYLOAD_TYPES.has(m.type));
    describe.each(PAYLOAD_VARIANTS)('payload: %s', (_variant, sent, received) => {
      it.each(withPayload.map((m) => [messageName(m.type), m] as const))('%s', (_type, message) => {
        expect(travel({ ...message, ...sent }, serializer)).toEqual({ ...message, ...received });
      });
    });
  });
});

describe('binary values', () => {
  it.each(SERIALIZERS.map((s) => [s.name, s] as const))('come back as Buffers in %s', (_name, serializer) => {
    const call = travel(
      {
        ...sampleOf(MessageType.CALL),
        args: [new Uint8Array([7, 8])],
        kwargs: { b: { c: Buffer.from('x') } },
      },
      serializer,
    );
    expect(call).toMatchObject({ args: [Buffer.from([7, 8])], kwargs: { b: { c: Buffer.from('x') } } });
    const payload = call as Payload;
    expect(Buffer.isBuffer(payload.args?.[0])).toBe(true);
    expect(Buffer.isBuffer((payload.kwargs?.b as { c: unknown }).c)).toBe(true);
  });
});

describe('integers beyond 32 bits go out as integers, not floats', () => {
  // Readers that keep the wire types apart: every 64-bit integer comes back as BigInt and
  // every float as Number, so a float on the wire would show up as a Number here.
  const strictMsgpack = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'bigint' });
  const strictCbor = new Decoder({ useRecords: false, mapsAsObjects: true });
  const message: Message = {
    type: 36,
    subscription: 2 ** 53,
    publication: 2 ** 33,
    details: { publisher: 2 ** 40 },
    args: [2 ** 32, -(2 ** 31) - 1, 2 ** 52 + 1, 1.5],
    kwargs: { nested: { id: -(2 ** 53) } },
  };
  const expected = [
    36,
    2n ** 53n,
    2n ** 33n,
    { publisher: 2n ** 40n },
    [2n ** 32n, -(2n ** 31n) - 1n, 2n ** 52n + 1n, 1.5],
    { nested: { id: -(2n ** 53n) } },
  ];

  it('msgpack: int64 / uint64', () => {
    const frame = msgpackSerializer.serialize(encode(message)) as Uint8Array;
    expect(strictMsgpack.unpack(frame)).toEqual(expected);
  });

  it('cbor: 8-byte major type 0 / 1', () => {
    const frame = cborSerializer.serialize(encode(message)) as Uint8Array;
    expect(strictCbor.decode(frame)).toEqual(expected);
  });

  it('JSON: plain integer literals', () => {
    expect(jsonSerializer.serialize(encode(message))).toBe(
      '[36,9007199254740992,8589934592,{"publisher":1099511627776},' +
        '[4294967296,-2147483649,4503599627370497,1.5],{"nested":{"id":-9007199254740992}}]',
    );
  });
});
