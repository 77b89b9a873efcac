import { jsonSerializer, ProtocolError, SerializationError } from '../../../src/protocol';
import { shareJsonText } from '../../../src/protocol/serializers/json';

describe('json serializer', () => {
  afterEach(() => jest.restoreAllMocks());

  it('is the text serializer of wamp.2.json, RawSocket id 1', () => {
    expect(jsonSerializer).toMatchObject({
      name: 'json',
      subprotocol: 'wamp.2.json',
      rawSocketId: 1,
      binary: false,
    });
  });

  it('writes Buffers and plain Uint8Arrays as "\\u0000" + base64, also nested in kwargs', () => {
    const text = jsonSerializer.serialize([
      48,
      1,
      {},
      'p',
      [Buffer.from('hello'), new Uint8Array([0, 255])],
      { a: { b: [Buffer.from([1, 2, 3])] } },
    ]);
    expect(text).toBe('[48,1,{},"p",["\\u0000aGVsbG8=","\\u0000AP8="],{"a":{"b":["\\u0000AQID"]}}]');
  });

  it('reads "\\u0000" + base64 strings as Buffers, from text and from UTF-8 bytes', () => {
    const text = '[48,1,{},"p",["\\u0000aGVsbG8="],{"a":{"b":"\\u0000AQID","s":"plain"}}]';
    const expected = [
      48,
      1,
      {},
      'p',
      [Buffer.from('hello')],
      { a: { b: Buffer.from([1, 2, 3]), s: 'plain' } },
    ];
    expect(jsonSerializer.deserialize(text)).toEqual(expected);
    expect(jsonSerializer.deserialize(Buffer.from(text))).toEqual(expected);
    expect(jsonSerializer.deserialize(new Uint8Array(Buffer.from(text)))).toEqual(expected);
  });

  it('round-trips an empty byte string', () => {
    const text = jsonSerializer.serialize([1, Buffer.alloc(0)]);
    expect(text).toBe('[1,"\\u0000"]');
    expect(jsonSerializer.deserialize(text)).toEqual([1, Buffer.alloc(0)]);
  });

  it('finds binary nested deeper than the scan depth', () => {
    let deep: unknown = Buffer.from([5]);
    for (let i = 0; i < 100; i++) deep = [deep];
    const back = jsonSerializer.deserialize(jsonSerializer.serialize([1, deep])) as unknown[];
    let inner: unknown = back[1];
    for (let i = 0; i < 100; i++) inner = (inner as unknown[])[0];
    expect(inner).toEqual(Buffer.from([5]));
  });

  // The design: plain JSON.stringify / JSON.parse on the hot path, the replacer and the reviver
  // only when a message holds binary. Checked by the arguments the JSON functions receive.
  it('uses no replacer for messages without binary and no reviver for texts without NUL', () => {
    const stringify = jest.spyOn(JSON, 'stringify');
    const parse = jest.spyOn(JSON, 'parse');
    jsonSerializer.serialize([48, 1, {}, 'p', ['text', 5], { k: { n: [null] } }]);
    jsonSerializer.deserialize('[48,1,{},"p",["text",5]]');
    expect(stringify.mock.calls[0]).toHaveLength(1);
    expect(parse.mock.calls[0]).toHaveLength(1);
  });

  it('uses the replacer and the reviver when binary is present', () => {
    const stringify = jest.spyOn(JSON, 'stringify');
    const parse = jest.spyOn(JSON, 'parse');
    jsonSerializer.serialize([1, { b: Buffer.from('x') }]);
    jsonSerializer.deserialize('[1,"\\u0000eA=="]');
    expect(typeof stringify.mock.calls[0][1]).toBe('function');
    expect(typeof parse.mock.calls[0][1]).toBe('function');
  });

  it('throws SerializationError for cycles', () => {
    const cycle: unknown[] = [1];
    cycle.push(cycle);
    expect(() => jsonSerializer.serialize(cycle)).toThrow(SerializationError);
    expect(() => jsonSerializer.serialize([1, { b: Buffer.from('x'), cycle }])).toThrow(SerializationError);
  });

  it('throws ProtocolError for text that is not JSON, bytes that are not UTF-8, and in-process frames', () => {
    expect(() => jsonSerializer.deserialize('[1,')).toThrow(ProtocolError);
    expect(() => jsonSerializer.deserialize('')).toThrow(ProtocolError);
    expect(() => jsonSerializer.deserialize(Buffer.from([0x5b, 0xff, 0x5d]))).toThrow(ProtocolError);
    expect(() => jsonSerializer.deserialize([1])).toThrow(ProtocolError);
  });

  describe('shared Details (shareJsonText)', () => {
    const identity = (): Record<string, unknown> => ({
      caller: 7931787409487192,
      caller_authid: 'a\u00e9"\\',
      caller_authrole: 'anonymous',
    });

    it.each([
      ['no payload', []],
      ['Arguments', [['hello world', 1.5, null]]],
      ['Arguments and ArgumentsKw', [[], { a: [1, { b: true }] }]],
      ['bytes', [[Buffer.from('hello')], { raw: Buffer.from([0, 255]) }]],
      ['integers beyond 2^53', [[2n ** 60n, -(2n ** 55n)], { n: 2n ** 64n }]],
    ])('write an INVOCATION with %s as its Details written fresh would be', (_what, payload) => {
      const shared = shareJsonText(identity());
      const fresh = [68, 9007199254740991, 3, identity(), ...payload];
      const expected = jsonSerializer.serialize(fresh);
      expect(jsonSerializer.serialize([68, 9007199254740991, 3, shared, ...payload])).toBe(expected);
      // Written again from the text kept at the first write.
      expect(jsonSerializer.serialize([68, 9007199254740991, 3, shared, ...payload])).toBe(expected);
      expect(jsonSerializer.deserialize(expected)).toEqual(fresh);
    });

    it('are frozen, and only an INVOCATION whose Details they are takes the shortcut', () => {
      const shared = shareJsonText(identity());
      expect(Object.isFrozen(shared)).toBe(true);
      expect(jsonSerializer.serialize([50, 1, shared, [shared]])).toBe(
        JSON.stringify([50, 1, identity(), [identity()]]),
      );
      expect(jsonSerializer.serialize([68, 1, 2, {}, [shared]])).toBe(
        JSON.stringify([68, 1, 2, {}, [identity()]]),
      );
    });
  });
});
