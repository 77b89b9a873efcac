import fc from 'fast-check';
import { decode, MessageType, ProtocolError, type Message, type MessageOf } from '../../src/protocol';
import { decodeForwarding, serializeForwarding } from '../../src/protocol/frames';
import type { Frame, Serializer } from '../../src/protocol/serializer';
import { cborSerializer, jsonSerializer, msgpackSerializer } from '../../src/protocol/serializers';
import {
  carryPayload,
  RAW_PAYLOAD_MIN_LENGTH,
  rawPayloadOf,
  SplicedFrame,
} from '../../src/protocol/serializers/raw-payload';
import { dict, wampValue } from './arbitraries';

/** Order lines making a payload past the length from which it is kept as bytes. */
const lines = Array.from({ length: 40 }, (_, i) => ({ sku: `sku-${i}`, qty: i, note: 'x'.repeat(20) }));

const bytesOf = (text: string) => Buffer.from(text, 'utf8');
const pack = (wire: unknown[]) => Buffer.from(msgpackSerializer.serialize(wire) as Uint8Array);

/** A frame as one piece, as a transport without `sendSpliced` sends it. */
const joinedFrame = (frame: Frame | SplicedFrame): Frame =>
  frame instanceof SplicedFrame ? frame.joined() : frame;

/** What the dealer makes of a CALL: an INVOCATION forwarding its payload. */
function invocationOf(call: Message): MessageOf<typeof MessageType.INVOCATION> {
  return carryPayload<MessageOf<typeof MessageType.INVOCATION>>(
    { type: MessageType.INVOCATION, request: 3, registration: 99, details: { caller: 12 } },
    call as MessageOf<typeof MessageType.CALL>,
  );
}

/** What today's path (the whole frame parsed, then decoded) makes of `frame`, or its error. */
function decodedWhole(frame: Uint8Array, serializer: Serializer = jsonSerializer): Message | ProtocolError {
  try {
    return decode(serializer.deserialize(frame));
  } catch (error) {
    return error as ProtocolError;
  }
}

/**
 * At a receiver of `serializer`, the INVOCATION forwarding `forwarded`'s payload reads as one
 * written from the values of `whole` (the same CALL decoded whole).
 */
function expectInvocationAsWritten(
  serializer: Serializer,
  forwarded: Message,
  whole: Message | ProtocolError,
): void {
  const sent = joinedFrame(serializeForwarding(serializer, invocationOf(forwarded)));
  const { args: values, kwargs: named } = whole as MessageOf<typeof MessageType.CALL>;
  const written = serializer.serialize([68, 3, 99, { caller: 12 }, values, ...(named ? [named] : [])]);
  expect(serializer.deserialize(sent)).toEqual(serializer.deserialize(written));
}

function decodedForwarding(frame: Uint8Array): Message | ProtocolError {
  try {
    return decodeForwarding(jsonSerializer, frame);
  } catch (error) {
    return error as ProtocolError;
  }
}

describe('JSON payloads forwarded as bytes', () => {
  it('splices the Arguments and ArgumentsKw bytes of a CALL into the INVOCATION it becomes', () => {
    const text = JSON.stringify([48, 7, {}, 'com.shop.order', [lines, 'gift'], { rush: true }]);
    expect(text.length).toBeGreaterThan(RAW_PAYLOAD_MIN_LENGTH);
    const frame = bytesOf(text);
    const call = decodeForwarding(jsonSerializer, frame);
    expect(rawPayloadOf(call)).toBeDefined();
    const out = serializeForwarding(jsonSerializer, invocationOf(call));
    expect(out).toBeInstanceOf(SplicedFrame);
    const payloadText = text.slice(text.indexOf('[[{'));
    const { head, rest } = out as SplicedFrame;
    expect(Buffer.from(head).toString()).toBe('[68,3,99,{"caller":12},');
    // The payload's bytes are the frame's own, not a copy.
    expect(rest.buffer).toBe(frame.buffer);
    expect(rest.byteOffset).toBe(frame.byteOffset + text.indexOf('[[{'));
    expect(Buffer.from(joinedFrame(out) as Uint8Array).toString()).toBe(
      `[68,3,99,{"caller":12},${payloadText}`,
    );
  });

  it('keeps integers beyond 2^53 and bytes as the peer wrote them, and reads them as values alike', () => {
    const payload = `[9007199254740993, "\\u0000AAEC", ${JSON.stringify(lines)}] , {"n": 1e400}`;
    const frame = bytesOf(`[70,5,{}, ${payload}]`);
    const yielded = decodeForwarding(jsonSerializer, frame) as MessageOf<typeof MessageType.YIELD>;
    const whole = decodedWhole(frame) as MessageOf<typeof MessageType.YIELD>;
    expect(typeof yielded.args![0]).toBe('bigint');
    expect(Buffer.isBuffer(yielded.args![1])).toBe(true);
    expect(yielded.args).toEqual(whole.args);
    expect(yielded.kwargs).toEqual(whole.kwargs);
    const result = carryPayload<MessageOf<typeof MessageType.RESULT>>(
      { type: MessageType.RESULT, request: 5, details: {} },
      yielded,
    );
    expect(
      Buffer.from(joinedFrame(serializeForwarding(jsonSerializer, result)) as Uint8Array).toString(),
    ).toBe(`[50,5,{},${payload}]`);
  });

  it('parses the payload for a peer of another serializer, and for whoever reads it', () => {
    const call = decodeForwarding(
      jsonSerializer,
      bytesOf(JSON.stringify([48, 7, {}, 'a.b', [lines], { k: 1 }])),
    );
    const invocation = invocationOf(call);
    for (const serializer of [msgpackSerializer, cborSerializer]) {
      const frame = joinedFrame(serializeForwarding(serializer, invocation));
      expect(serializer.deserialize(frame)).toEqual([68, 3, 99, { caller: 12 }, [lines], { k: 1 }]);
    }
    expect(invocation.args).toEqual([lines]);
    expect(invocation.kwargs).toEqual({ k: 1 });
  });

  it.each([
    ['a short frame', '[48,7,{},"a.b",[1,2]]'],
    ['a message the router does not forward', `[36,1,2,{},[${JSON.stringify(lines)}]]`],
    ['empty Arguments', `[48,7,{"x":${JSON.stringify(lines)}},"a.b",[]]`],
    ['empty ArgumentsKw', `[48,7,{},"a.b",[${JSON.stringify(lines)}], {}]`],
    ['null Arguments', `[48,7,{},"a.b",null,{"x":${JSON.stringify(lines)}}]`],
    ['whitespace before the frame', ` [48,7,{},"a.b",[${JSON.stringify(lines)}]]`],
  ])('parses %s whole, as before', (_what, text) => {
    const frame = bytesOf(text);
    const message = decodeForwarding(jsonSerializer, frame);
    expect(rawPayloadOf(message)).toBeUndefined();
    expect(message).toEqual(decodedWhole(frame));
  });

  const big = JSON.stringify(lines);
  it.each([
    ['a bad escape', `[48,7,{},"a.b",[${big},"\\x"]]`],
    ['a control character', `[48,7,{},"a.b",[${big},"a\u0001"]]`],
    ['trailing garbage', `[48,7,{},"a.b",[${big}]] x`],
    ['a trailing comma', `[48,7,{},"a.b",[${big},]]`],
    ['an unterminated frame', `[48,7,{},"a.b",[${big}`],
    ['an unterminated string', `[48,7,{},"a.b",[${big},"abc]]`],
    ['01', `[48,7,{},"a.b",[${big},01]]`],
    ['1.', `[48,7,{},"a.b",[${big},1.]]`],
    ['-', `[48,7,{},"a.b",[${big},-]]`],
    ['Arguments not a list', `[48,7,{},"a.b",{"a":${big}}]`],
    ['ArgumentsKw not a dictionary', `[48,7,{},"a.b",[${big}],[1]]`],
    ['a field too many', `[48,7,{},"a.b",[${big}],{"a":1},{}]`],
    ['a bad head', `[48,"7",{},"a.b",[${big}]]`],
    ['nesting past the scan', `[48,7,{},"a.b",[${'['.repeat(300)}${big}${']'.repeat(300)}]]`],
  ])('refuses %s as the whole-frame parse does', (_what, text) => {
    const frame = bytesOf(text);
    const whole = decodedWhole(frame);
    const forwarded = decodedForwarding(frame);
    if (whole instanceof ProtocolError) {
      expect(forwarded).toBeInstanceOf(ProtocolError);
      expect((forwarded as ProtocolError).message).toBe(whole.message);
    } else {
      expect(forwarded).toEqual(whole);
    }
  });

  it('refuses bytes that are not UTF-8 as the whole-frame parse does', () => {
    const frame = Buffer.concat([
      bytesOf(`[48,7,{},"a.b",[${big},"`),
      Buffer.from([0xc3, 0x28]),
      bytesOf('"]]'),
    ]);
    expect((decodedForwarding(frame) as ProtocolError).message).toBe((decodedWhole(frame) as Error).message);
    expect(decodedForwarding(frame)).toBeInstanceOf(ProtocolError);
  });

  it('gives every message the values the whole-frame parse gives, and forwards frames that read back the same', () => {
    const padding = fc.string({ minLength: RAW_PAYLOAD_MIN_LENGTH, maxLength: RAW_PAYLOAD_MIN_LENGTH + 8 });
    const call = fc.record({
      args: fc.array(wampValue, { minLength: 1, maxLength: 4 }),
      kwargs: fc.option(dict, { nil: undefined }),
      padding,
      pretty: fc.boolean(),
    });
    fc.assert(
      fc.property(call, ({ args, kwargs, padding: pad, pretty }) => {
        const wire: unknown[] = [48, 7, { x_pad: pad }, 'a.b', [...args, pad]];
        if (kwargs !== undefined && Object.keys(kwargs).length > 0) wire.push(kwargs);
        let frame = jsonSerializer.serialize(wire) as string;
        if (pretty) frame = frame.replace(/,/g, ', ');
        const bytes = bytesOf(frame);
        const whole = decodedWhole(bytes);
        const forwarded = decodeForwarding(jsonSerializer, bytes);
        expect(forwarded).toEqual(whole);
        // At a JSON receiver, the forwarded INVOCATION reads as one written from the values.
        expectInvocationAsWritten(jsonSerializer, forwarded, whole);
      }),
      { numRuns: 300 },
    );
  });
});

describe('msgpack payloads forwarded as bytes', () => {
  const decodedWholeMsgpack = (frame: Uint8Array) => decodedWhole(frame, msgpackSerializer);

  it('splices the Arguments and ArgumentsKw bytes of a CALL into the INVOCATION it becomes', () => {
    const frame = pack([48, 7, {}, 'com.shop.order', [lines, 'gift'], { rush: true }]);
    expect(frame.length).toBeGreaterThan(RAW_PAYLOAD_MIN_LENGTH);
    const call = decodeForwarding(msgpackSerializer, frame);
    expect(rawPayloadOf(call)).toBeDefined();
    const out = serializeForwarding(msgpackSerializer, invocationOf(call));
    expect(out).toBeInstanceOf(SplicedFrame);
    expect((out as SplicedFrame).rest.buffer).toBe(frame.buffer);
    expect(Buffer.from(joinedFrame(out) as Uint8Array)).toEqual(
      pack([68, 3, 99, { caller: 12 }, [lines, 'gift'], { rush: true }]),
    );
    // A JSON peer gets the values.
    expect(
      jsonSerializer.deserialize(joinedFrame(serializeForwarding(jsonSerializer, invocationOf(call)))),
    ).toEqual([68, 3, 99, { caller: 12 }, [lines, 'gift'], { rush: true }]);
  });

  it.each([
    ['an extension type', Buffer.from([0xd4, 0x01, 0x00])],
    ['the never-used byte 0xc1', Buffer.from([0xc1])],
    ['a length beyond the frame', Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff])],
    ['a non-string key', Buffer.from([0x81, 0x01, 0x02])],
  ])('refuses a payload with %s as the whole-frame decode does', (_what, item) => {
    // [48, 7, {}, "a.b", [lines..., <item>]]: the item replaces the list's last element.
    const good = pack([48, 7, {}, 'a.b', [lines, 0]]);
    const frame = Buffer.concat([good.subarray(0, good.length - 1), item]);
    const whole = decodedWholeMsgpack(frame);
    expect(whole).toBeInstanceOf(ProtocolError);
    let forwarded: unknown;
    try {
      forwarded = decodeForwarding(msgpackSerializer, frame);
    } catch (error) {
      forwarded = error;
    }
    expect(forwarded).toBeInstanceOf(ProtocolError);
    expect((forwarded as Error).message).toBe((whole as Error).message);
  });

  it('refuses trailing and missing bytes as the whole-frame decode does', () => {
    const good = pack([48, 7, {}, 'a.b', [lines]]);
    for (const frame of [Buffer.concat([good, Buffer.from([0])]), good.subarray(0, good.length - 1)]) {
      expect(() => decodeForwarding(msgpackSerializer, frame)).toThrow(
        (decodedWholeMsgpack(frame) as Error).message,
      );
    }
  });

  it('gives every message the values the whole-frame decode gives, and forwards frames that read back the same', () => {
    const call = fc.record({
      args: fc.array(wampValue, { minLength: 1, maxLength: 4 }),
      kwargs: fc.option(dict, { nil: undefined }),
    });
    fc.assert(
      fc.property(call, ({ args, kwargs }) => {
        const wire: unknown[] = [48, 7, {}, 'a.b', [...args, lines]];
        if (kwargs !== undefined && Object.keys(kwargs).length > 0) wire.push(kwargs);
        const frame = pack(wire);
        const forwarded = decodeForwarding(msgpackSerializer, frame);
        const whole = decodedWholeMsgpack(frame);
        expect(forwarded).toEqual(whole);
        expectInvocationAsWritten(msgpackSerializer, forwarded, whole);
      }),
      { numRuns: 200 },
    );
  });
});

describe('what forwarded payload bytes carry', () => {
  /** `[48, 7, {}, "a.b", [lines, <str>]]` with the str's bytes as given (fixstr or str8). */
  const callWithString = (str: Buffer) => {
    const good = pack([48, 7, {}, 'a.b', [lines, 0]]);
    const head = str.length < 32 ? Buffer.from([0xa0 | str.length]) : Buffer.from([0xd9, str.length]);
    return Buffer.concat([good.subarray(0, good.length - 1), head, str]);
  };

  it('decodes a msgpack payload whose strings are not UTF-8 whole, as before: no peer gets the bad bytes', () => {
    for (const bad of [
      Buffer.from([0x61, 0xc3, 0x28]),
      Buffer.concat([Buffer.alloc(40, 0x61), Buffer.from([0xff])]),
    ]) {
      const frame = callWithString(bad);
      const call = decodeForwarding(msgpackSerializer, frame);
      expect(rawPayloadOf(call)).toBeUndefined();
      expect(call).toEqual(decode(msgpackSerializer.deserialize(frame)));
      const out = Buffer.from(
        joinedFrame(serializeForwarding(msgpackSerializer, invocationOf(call))) as Uint8Array,
      );
      expect(out.includes(bad)).toBe(false);
    }
  });

  it('forwards msgpack strings that are UTF-8, short or long, ASCII or not, as bytes', () => {
    for (const good of [Buffer.from('café'), Buffer.from('é'.repeat(60)), Buffer.alloc(200, 0x61)]) {
      const call = decodeForwarding(msgpackSerializer, callWithString(good));
      expect(rawPayloadOf(call)).toBeDefined();
      expect((call as MessageOf<typeof MessageType.CALL>).args![1]).toBe(good.toString());
    }
  });

  it('forwards a dictionary with a repeated key as sent to a peer of the same serializer (decoding keeps the last)', () => {
    const json = bytesOf(`[48,7,{},"a.b",[${JSON.stringify(lines)}],{"a":1,"a":2}]`);
    const call = decodeForwarding(jsonSerializer, json);
    expect((call as MessageOf<typeof MessageType.CALL>).kwargs).toEqual({ a: 2 });
    const out = Buffer.from(
      joinedFrame(serializeForwarding(jsonSerializer, invocationOf(call))) as Uint8Array,
    );
    expect(out.toString().endsWith(',{"a":1,"a":2}]')).toBe(true);
    const good = pack([48, 7, {}, 'a.b', [lines], { a: 1 }]);
    // { a: 1 } is 0x81 0xa1 0x61 0x01: the same dictionary with the key twice.
    const msgpack = Buffer.concat([
      good.subarray(0, good.length - 4),
      Buffer.from([0x82, 0xa1, 0x61, 1, 0xa1, 0x61, 2]),
    ]);
    const packed = decodeForwarding(msgpackSerializer, msgpack);
    expect((packed as MessageOf<typeof MessageType.CALL>).kwargs).toEqual({ a: 2 });
    const sent = Buffer.from(
      joinedFrame(serializeForwarding(msgpackSerializer, invocationOf(packed))) as Uint8Array,
    );
    expect(sent.subarray(sent.length - 7)).toEqual(Buffer.from([0x82, 0xa1, 0x61, 1, 0xa1, 0x61, 2]));
  });
});
