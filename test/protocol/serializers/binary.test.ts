import { cborSerializer, msgpackSerializer, ProtocolError, SerializationError } from '../../../src/protocol';

const hex = (frame: unknown): string => Buffer.from(frame as Uint8Array).toString('hex');

describe.each([msgpackSerializer, cborSerializer])('$name serializer', (serializer) => {
  it('is a binary serializer with its subprotocol and RawSocket id', () => {
    expect(serializer.binary).toBe(true);
    expect(serializer.subprotocol).toBe(`wamp.2.${serializer.name}`);
    expect(serializer.rawSocketId).toBe(serializer.name === 'msgpack' ? 2 : 3);
  });

  it('carries bytes as bytes and gives Buffers back, also from a plain Uint8Array frame', () => {
    const frame = serializer.serialize([
      48,
      1,
      {},
      'a.b',
      [new Uint8Array([1, 2, 3])],
      { b: Buffer.from('hi') },
    ]);
    const decoded = serializer.deserialize(new Uint8Array(frame as Uint8Array)) as unknown[];
    expect(Buffer.isBuffer((decoded[4] as unknown[])[0])).toBe(true);
    expect(decoded).toEqual([48, 1, {}, 'a.b', [Buffer.from([1, 2, 3])], { b: Buffer.from('hi') }]);
  });

  it('reads a frame that is a view into a larger buffer', () => {
    const frame = serializer.serialize([17, 5, 6]) as Uint8Array;
    const bigger = Buffer.concat([Buffer.from([0xff, 0xff]), frame, Buffer.from([0xff])]);
    expect(serializer.deserialize(bigger.subarray(2, 2 + frame.length))).toEqual([17, 5, 6]);
  });

  it('keeps integers beyond 32 bits exact, with 2^53 and -2^53 as Numbers', () => {
    const values = [2 ** 32, 2 ** 53, -(2 ** 53), -(2 ** 31) - 1, 2 ** 40 + 1, 1.5, -0.25];
    expect(serializer.deserialize(serializer.serialize(values))).toEqual(values);
  });

  it('gives 64-bit integers beyond 2^53 back as BigInt', () => {
    const values = [2n ** 60n, -(2n ** 60n)];
    expect(serializer.deserialize(serializer.serialize(values))).toEqual(values);
  });

  it('writes undefined as nil / null', () => {
    expect(serializer.deserialize(serializer.serialize([1, undefined, { a: undefined }]))).toEqual([
      1,
      null,
      { a: null },
    ]);
  });

  it('never mutates the caller message when widening integers', () => {
    const kwargs = { id: 2 ** 40, inner: [2 ** 50] };
    const message = [36, 2 ** 53, 1, {}, [2 ** 33], kwargs];
    serializer.serialize(message);
    expect(message).toEqual([36, 2 ** 53, 1, {}, [2 ** 33], { id: 2 ** 40, inner: [2 ** 50] }]);
    expect(message[5]).toBe(kwargs);
  });

  it('throws SerializationError for values the format cannot carry', () => {
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expect(() => serializer.serialize([1, Symbol('s')])).toThrow(SerializationError);
    expect(() => serializer.serialize([1, () => 1])).toThrow(SerializationError);
    expect(() => serializer.serialize(cycle)).toThrow(SerializationError);
    // the shared encoder still works after a failure
    expect(serializer.deserialize(serializer.serialize([17, 1, 2]))).toEqual([17, 1, 2]);
  });

  it('throws ProtocolError for bytes that are not exactly one document', () => {
    const frame = Buffer.from(serializer.serialize([17, 1, 2]) as Uint8Array);
    expect(() => serializer.deserialize(Buffer.alloc(0))).toThrow(ProtocolError);
    expect(() => serializer.deserialize(frame.subarray(0, frame.length - 1))).toThrow(ProtocolError);
    expect(() => serializer.deserialize(Buffer.concat([frame, Buffer.from([0])]))).toThrow(ProtocolError);
    expect(() => serializer.deserialize(Buffer.from([0x82, 0x01]))).toThrow(ProtocolError);
  });

  it('refuses text frames and in-process messages', () => {
    expect(() => serializer.deserialize('[1]')).toThrow(ProtocolError);
    expect(() => serializer.deserialize([1])).toThrow(ProtocolError);
  });
});

describe('integer markers on the wire', () => {
  it('msgpack writes int64 (0xd3), never float64 (0xcb), for 2^53 and -2^40', () => {
    expect(hex(msgpackSerializer.serialize([2 ** 53]))).toBe('91d30020000000000000');
    expect(hex(msgpackSerializer.serialize([-(2 ** 40)]))).toBe('91d3ffffff0000000000');
  });

  it('cbor writes 8-byte integers (0x1b / 0x3b), never float64 (0xfb)', () => {
    expect(hex(cborSerializer.serialize([2 ** 53]))).toBe('811b0020000000000000');
    expect(hex(cborSerializer.serialize([-(2 ** 40)]))).toBe('813b000000ffffffffff');
  });

  it('msgpack ignores record definitions from a peer: later frames read as plain msgpack', () => {
    // fixext1 0x72 defines record 0 with keys ["a"], followed by a fixint 0x40.
    const recordDefinition = Buffer.from('d47240' + '91a161' + '01', 'hex');
    try {
      msgpackSerializer.deserialize(recordDefinition);
    } catch (err) {
      expect(err).toBeInstanceOf(ProtocolError);
    }
    expect(msgpackSerializer.deserialize(Buffer.from('40', 'hex'))).toBe(64);
  });

  it('cbor writes byte strings without typed-array tag 64 and maps without tag 259', () => {
    expect(hex(cborSerializer.serialize([new Uint8Array([1])]))).toBe('814101');
    expect(hex(cborSerializer.serialize([new Map([['a', 1]])]))).toBe('81a1616101');
  });
});
