import fc from 'fast-check';
import { decode, MessageType, ProtocolError, type Message, type MessageOf } from '../../src/protocol';
import { decodeForwarding, serializeForwarding } from '../../src/protocol/frames';
import type { Frame } from '../../src/protocol/serializer';
import { cborSerializer, jsonSerializer, msgpackSerializer } from '../../src/protocol/serializers';
import {
  carryPayload,
  RAW_PAYLOAD_MIN_LENGTH,
  rawPayloadOf,
  SplicedFrame,
} from '../../src/protocol/serializers/json-payload';
import { dict, wampValue } from './arbitraries';

/** Order lines making a payload past the length from which it is kept as bytes. */
const lines = Array.from({ length: 40 }, (_, i) => ({ sku: `sku-${i}`, qty: i, note: 'x'.repeat(20) }));

const bytesOf = (text: string) => Buffer.from(text, 'utf8');

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
function decodedWhole(frame: Uint8Array): Message | ProtocolError {
  try {
    return decode(jsonSerializer.deserialize(frame));
  } catch (error) {
    return error as ProtocolError;
  }
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
        const invocation = invocationOf(forwarded);
        const sent = joinedFrame(serializeForwarding(jsonSerializer, invocation));
        const { args: values, kwargs: named } = whole as MessageOf<typeof MessageType.CALL>;
        const written = jsonSerializer.serialize([
          68,
          3,
          99,
          { caller: 12 },
          values,
          ...(named ? [named] : []),
        ]);
        expect(jsonSerializer.deserialize(sent)).toEqual(jsonSerializer.deserialize(written));
      }),
      { numRuns: 300 },
    );
  });
});
