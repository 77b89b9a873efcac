import { Encoder } from 'cbor-x';
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { ProtocolError } from '../../../src/protocol/errors';
import { cborSerializer, jsonSerializer, msgpackSerializer } from '../../../src/protocol/serializers';
import { checkCbor, checkMsgpack, MAX_DEPTH } from '../../../src/protocol/serializers/data-model';

/** The libraries with every extension they know turned on, as a hostile peer would use them. */
const richPackr = new Packr({ moreTypes: true, structuredClone: true, useRecords: true });
const richCbor = new Encoder({ structuredClone: true, useRecords: true, tagUint8Array: true });

/** Values of WAMP's data model, bytes and integers beyond 2^53 included. */
const wampValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.maxSafeInteger(),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }).filter((n) => n < -(2n ** 53n) || n > 2n ** 53n),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
    fc.string(),
    fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(
      fc.string().filter((k) => k !== '__proto__'),
      tie('value'),
      { maxKeys: 5 },
    ),
  ),
})).value;

describe("WAMP's data model in msgpack and CBOR", () => {
  it.each([
    ['a Date (timestamp extension)', new Date(0)],
    ['a RegExp', /x+/g],
    ['a Set', new Set([1, 2])],
    ['an Error', new Error('boom')],
    ['a Map with a non-string key', new Map([[{ a: 1 }, 2]])],
  ])('msgpack: refuses %s', (_what, value) => {
    const bytes = richPackr.pack([48, 1, {}, 'p', [value]]);
    expect(() => msgpackSerializer.deserialize(bytes)).toThrow(ProtocolError);
    expect(() => msgpackSerializer.deserialize(bytes)).toThrow(/outside WAMP's data model|not a string/);
  });

  it('msgpack: refuses records (the structures extension) and structured clone cycles', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    for (const value of [
      [
        { x: 1, y: 2 },
        { x: 3, y: 4 },
      ],
      [cyclic],
    ]) {
      expect(() => msgpackSerializer.deserialize(richPackr.pack(value))).toThrow(ProtocolError);
    }
  });

  it.each([
    ['a Date (tag 1)', new Date(0)],
    ['a RegExp', /x+/g],
    ['a Set (tag 258)', new Set([1])],
    ['a typed array (tag 64..)', new Float32Array([1.5])],
    ['an Error', new Error('boom')],
  ])('CBOR: refuses %s', (_what, value) => {
    const bytes = richCbor.encode([48, 1, {}, 'p', [value]]);
    expect(() => cborSerializer.deserialize(bytes)).toThrow(ProtocolError);
  });

  it('CBOR: reads tag 64 over a byte string as bytes (autobahn-js sends a Uint8Array so); refuses it over anything else', () => {
    // [48, 1, {}, "p", [64(h'0102ff')]], as node-cbor encodes it
    const tagged = Buffer.from('85183001a06170' + '81d840430102ff', 'hex');
    expect(cborSerializer.deserialize(tagged)).toEqual([48, 1, {}, 'p', [Uint8Array.from([1, 2, 255])]]);
    expect(richCbor.encode(Uint8Array.from([1]))[0]).toBe(0xd8); // the rich encoder tags it too
    for (const over of [
      '01' /* 1 */,
      '6161' /* "a" */,
      '5f4101ff' /* indefinite bytes */,
      '' /* nothing */,
    ]) {
      const bytes = Buffer.from(`85183001a06170${over === '' ? '81d840' : `81d840${over}`}`, 'hex');
      expect(() => cborSerializer.deserialize(bytes)).toThrow(ProtocolError);
    }
  });

  it('CBOR: refuses shared references that build a cycle, and records', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => cborSerializer.deserialize(richCbor.encode([cyclic]))).toThrow(/tag/);
    expect(() => cborSerializer.deserialize(richCbor.encode([{ x: 1 }, { x: 2 }]))).toThrow(/tag/);
  });

  it('refuses "__proto__" keys, which would set a decoded object\'s prototype', () => {
    // fixmap(1) fixstr(9) "__proto__" fixmap(1) "a" 1
    const msgpack = Buffer.concat([
      Buffer.from([0x81, 0xa9]),
      Buffer.from('__proto__'),
      Buffer.from([0x81, 0xa1, 0x61, 1]),
    ]);
    expect(() => checkMsgpack(msgpack)).toThrow(/__proto__/);
    const cbor = Buffer.concat([
      Buffer.from([0xa1, 0x69]),
      Buffer.from('__proto__'),
      Buffer.from([0xa1, 0x61, 0x61, 1]),
    ]);
    expect(() => checkCbor(cbor)).toThrow(/__proto__/);
  });

  it('refuses lengths the frame cannot hold, without allocating them', () => {
    // array32 of 2^32 - 1 items, map32, str32, bin32 in a few bytes.
    for (const head of [0xdd, 0xdf, 0xdb, 0xc6]) {
      expect(() => checkMsgpack(Buffer.from([head, 0xff, 0xff, 0xff, 0xff, 0x01]))).toThrow(
        /truncated|length/,
      );
    }
    // CBOR array / map / text / bytes of 2^64 - 1.
    for (const major of [0x9b, 0xbb, 0x7b, 0x5b]) {
      expect(() =>
        checkCbor(Buffer.from([major, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1])),
      ).toThrow(/truncated|length/);
    }
  });

  it(`refuses nesting deeper than ${MAX_DEPTH} levels, and accepts it up to there`, () => {
    const nest = (depth: number): unknown => (depth === 0 ? 1 : [nest(depth - 1)]);
    expect(() =>
      msgpackSerializer.deserialize(msgpackSerializer.serialize([nest(MAX_DEPTH + 1)] as never)),
    ).toThrow(/deeper/);
    expect(() =>
      cborSerializer.deserialize(cborSerializer.serialize([nest(MAX_DEPTH + 1)] as never)),
    ).toThrow(/deeper/);
    const deep = [nest(MAX_DEPTH - 1)];
    expect(msgpackSerializer.deserialize(msgpackSerializer.serialize(deep as never))).toEqual(deep);
  });

  it('refuses trailing bytes and truncated documents', () => {
    expect(() => checkMsgpack(Buffer.from([0x91, 0x01, 0x02]))).toThrow(/after the end/);
    expect(() => checkMsgpack(Buffer.from([0x92, 0x01]))).toThrow(/truncated|length/);
    expect(() => checkCbor(Buffer.from([0x82, 0x01]))).toThrow(/truncated|length/);
    expect(() => checkCbor(Buffer.from([0x9f, 0x01]))).toThrow(/truncated/);
  });

  it('accepts indefinite-length CBOR lists and maps, refuses indefinite-length strings', () => {
    // [_ 1, {_ "k": 2}]
    const bytes = Buffer.from([0x9f, 0x01, 0xbf, 0x61, 0x6b, 0x02, 0xff, 0xff]);
    expect(cborSerializer.deserialize(bytes)).toEqual([1, { k: 2 }]);
    expect(() => checkCbor(Buffer.from([0x7f, 0x61, 0x61, 0xff]))).toThrow(/indefinite-length string/);
  });

  it('accepts and round-trips every value of the data model, on every serializer', () => {
    fc.assert(
      fc.property(fc.array(wampValue, { maxLength: 4 }), (args) => {
        const message = [48, 1, {}, 'com.example.p', args];
        for (const serializer of [jsonSerializer, msgpackSerializer, cborSerializer]) {
          expect(serializer.deserialize(serializer.serialize(message as never))).toEqual(message);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('integers beyond 2^53', () => {
  const wide = [2n ** 53n + 1n, 2n ** 64n - 1n, -(2n ** 63n), 12345678901234567890n];

  it.each([jsonSerializer, msgpackSerializer, cborSerializer])(
    '$name carries them exactly, as BigInt',
    (s) => {
      const message = [48, 1, {}, 'p', wide, { n: 2n ** 60n + 3n, small: 7 }];
      expect(s.deserialize(s.serialize(message as never))).toEqual(message);
    },
  );

  it('JSON writes them as plain integer literals any peer can read, and reads them back exactly', () => {
    expect(jsonSerializer.serialize([1, 18446744073709551615n] as never)).toBe('[1,18446744073709551615]');
    expect(jsonSerializer.deserialize('[36, 1, {}, [18446744073709551615, 1.5, 9007199254740993]]')).toEqual([
      36,
      1,
      {},
      [18446744073709551615n, 1.5, 9007199254740993n],
    ]);
    // 16 digits inside a string take the careful path and stay a string.
    expect(jsonSerializer.deserialize('["1234567890123456789", 2]')).toEqual(['1234567890123456789', 2]);
  });

  it('JSON reads every integer up to 2^53 as a Number and every one past it as a BigInt, at 16 and 17 digits', () => {
    const frame =
      '[36, 9007199254740992, 8999999999999999, 9007199254740993, 9999999999999999, 10000000000000000, -9007199254740993, 1007199254740993]';
    expect(jsonSerializer.deserialize(frame)).toEqual([
      36,
      2 ** 53,
      8999999999999999,
      9007199254740993n,
      9999999999999999n,
      10000000000000000n,
      -9007199254740993n,
      1007199254740993,
    ]);
  });

  it('JSON reads an integer beyond 2^53 exactly at any depth, and 16-digit ids as Numbers', () => {
    const deep = (inner: string): string => '['.repeat(100) + inner + ']'.repeat(100);
    const nest = (inner: unknown): unknown => Array.from({ length: 100 }).reduce<unknown>((v) => [v], inner);
    expect(jsonSerializer.deserialize(deep('9007199254740993'))).toEqual(nest(9007199254740993n));
    expect(jsonSerializer.deserialize(deep('9007199254740991'))).toEqual(nest(9007199254740991));
    expect(jsonSerializer.deserialize(deep('1'))).toEqual(nest(1));
    // An EVENT as our router sends it: subscription and publication ids of 16 digits.
    expect(jsonSerializer.deserialize('[36,5520312419345607,3287465018273645,{},["hi"]]')).toEqual([
      36,
      5520312419345607,
      3287465018273645,
      {},
      ['hi'],
    ]);
  });

  it('JSON keeps bytes and BigInt together', () => {
    const message = [48, 1, {}, 'p', [Buffer.from('hi'), 2n ** 64n - 1n]];
    expect(jsonSerializer.deserialize(jsonSerializer.serialize(message as never))).toEqual(message);
  });
});
