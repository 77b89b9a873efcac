import { cborSerializer, decode, encode, msgpackSerializer, type Message } from '../../../src/protocol';

// autobahn-js 22.11.1's own serializers: msgpack5 (forceFloat64) and node-cbor, exactly as the
// reference client encodes and decodes its frames.
interface AutobahnSerializer {
  serialize(obj: unknown): Buffer | Promise<Buffer>;
  unserialize(payload: Buffer): unknown;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autobahnSerializers = require('autobahn/lib/serializer.js') as {
  MsgpackSerializer: new () => AutobahnSerializer;
  CBORSerializer: new () => AutobahnSerializer;
};

const EVENT: Message = {
  type: 36,
  subscription: 2 ** 53 - 1,
  publication: 2 ** 40,
  details: { publisher: 2 ** 33, topic: 'com.x.t' },
  args: [1, -(2 ** 40), 1.5, Buffer.from('hi'), 'ünï ✓', null, [true, false]],
  kwargs: { nested: { n: 2 ** 32, bin: Buffer.from([0, 255]) } },
};

describe.each([
  ['msgpack', msgpackSerializer, new autobahnSerializers.MsgpackSerializer()],
  ['cbor', cborSerializer, new autobahnSerializers.CBORSerializer()],
] as const)('%s with autobahn-js', (_name, ours, theirs) => {
  it('autobahn-js reads our frames to the same values', () => {
    const frame = Buffer.from(ours.serialize(encode(EVENT)) as Uint8Array);
    expect(theirs.unserialize(frame)).toEqual(encode(EVENT));
  });

  it('we read autobahn-js frames, floats for large integers included, to the same message', async () => {
    const frame = await theirs.serialize(encode(EVENT));
    expect(decode(ours.deserialize(frame))).toEqual(EVENT);
  });

  it('we read the id 2^53 that autobahn-js writes as a float', async () => {
    const frame = await theirs.serialize([17, 1, 2 ** 53]);
    expect(decode(ours.deserialize(frame))).toEqual({ type: 17, request: 1, publication: 2 ** 53 });
  });
});
