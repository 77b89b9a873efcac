import { cborSerializer, decode, encode, jsonSerializer, msgpackSerializer } from '../../../src/protocol';
import { VECTORS } from './vectors';

const bytesHex = (frame: unknown): string => Buffer.from(frame as Uint8Array).toString('hex');

/**
 * msgpack bytes equal to the reference except where the reference has uint64 (0xcf) and we
 * have int64 (0xd3): msgpackr writes every BigInt below 2^63 as int64. Both are integers that
 * every msgpack reader returns as the same value.
 */
function sameMsgpack(ours: string, reference: string): boolean {
  if (ours.length !== reference.length) return false;
  for (let i = 0; i < ours.length; i += 2) {
    const a = ours.slice(i, i + 2);
    const b = reference.slice(i, i + 2);
    if (a !== b && !(a === 'd3' && b === 'cf')) return false;
  }
  return true;
}

describe.each(VECTORS)('spec test vector: $name', (vector) => {
  const expected = decode(JSON.parse(vector.json));

  it('decodes the reference bytes of every serializer to the same message', () => {
    expect(decode(jsonSerializer.deserialize(Buffer.from(vector.json)))).toEqual(expected);
    expect(decode(msgpackSerializer.deserialize(Buffer.from(vector.msgpack, 'hex')))).toEqual(expected);
    expect(decode(cborSerializer.deserialize(Buffer.from(vector.cbor, 'hex')))).toEqual(expected);
  });

  it('encodes the message to the reference bytes (JSON compact, CBOR exact, msgpack up to int64)', () => {
    const wire = encode(expected);
    expect(jsonSerializer.serialize(wire)).toBe(vector.json);
    expect(bytesHex(cborSerializer.serialize(wire))).toBe(vector.cbor);
    expect(sameMsgpack(bytesHex(msgpackSerializer.serialize(wire)), vector.msgpack)).toBe(true);
  });
});
