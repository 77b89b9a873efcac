import { jsonSerializer } from '../../../src/protocol/serializers';
import { keepPayloadText, PAYLOAD_TEXT_MIN_LENGTH } from '../../../src/protocol/serializers/json-payload';

/** Order lines making a payload past the length from which its text is kept. */
const lines = Array.from({ length: 40 }, (_, i) => ({ sku: `sku-${i}`, qty: i, note: 'x'.repeat(20) }));

/** What the router does with an inbound text frame: parse it, keep its payload's text. */
function received(text: string): unknown[] {
  const parsed = jsonSerializer.deserialize(text) as unknown[];
  keepPayloadText(parsed, text);
  return parsed;
}

describe('JSON payload text forwarded unchanged', () => {
  it('copies the Arguments and ArgumentsKw text of a CALL into the INVOCATION it becomes', () => {
    const text = JSON.stringify([48, 7, {}, 'com.shop.order', [lines, 'gift'], { rush: true }]);
    expect(text.length).toBeGreaterThan(PAYLOAD_TEXT_MIN_LENGTH);
    const call = received(text);
    const out = jsonSerializer.serialize([
      68,
      3,
      99,
      { caller: 12 },
      call[4] as unknown[],
      call[5] as object,
    ]);
    const payloadText = text.slice(text.indexOf('[[{'));
    expect(out).toBe(`[68,3,99,{"caller":12},${payloadText}`);
    expect(JSON.parse(out as string)).toEqual([68, 3, 99, { caller: 12 }, [lines, 'gift'], { rush: true }]);
  });

  it('keeps integers beyond 2^53 and bytes exactly as the peer wrote them', () => {
    const payload = `[9007199254740993,"\\u0000AAEC",${JSON.stringify(lines)}]`;
    const text = `[70,5,{},${payload}]`;
    const yielded = received(text);
    expect(typeof (yielded[3] as unknown[])[0]).toBe('bigint');
    expect(Buffer.isBuffer((yielded[3] as unknown[])[1])).toBe(true);
    const out = jsonSerializer.serialize([50, 5, {}, yielded[3] as unknown[]]) as string;
    expect(out).toBe(`[50,5,{},${payload}]`);
    expect(jsonSerializer.deserialize(out)).toEqual([50, 5, {}, yielded[3]]);
  });

  it('writes the payload again when the list or dictionary is another one, or the frame is short', () => {
    const text = JSON.stringify([48, 7, {}, 'com.shop.order', [lines], { rush: true }]);
    const call = received(text);
    const args = call[4] as unknown[];
    const otherKwargs = { rush: false };
    expect(jsonSerializer.serialize([68, 3, 99, {}, args, otherKwargs])).toBe(
      JSON.stringify([68, 3, 99, {}, [lines], otherKwargs]),
    );
    // Without its ArgumentsKw, the list was not sent alone: written again.
    expect(jsonSerializer.serialize([68, 3, 99, {}, args])).toBe(JSON.stringify([68, 3, 99, {}, [lines]]));
    expect(jsonSerializer.serialize([68, 3, 99, {}, [...args], call[5] as object])).toBe(
      JSON.stringify([68, 3, 99, {}, [lines], { rush: true }]),
    );
    const short = received('[48,8,{},"a.b",[1, 2]]');
    expect(jsonSerializer.serialize([68, 4, 99, {}, short[4] as unknown[]])).toBe('[68,4,99,{},[1,2]]');
  });

  it('writes the payload again when the head is not written as JSON.stringify writes it', () => {
    const spaced = `[48, 7, {}, "com.shop.order", [${JSON.stringify(lines)},  "gift"]]`;
    const call = received(spaced);
    expect(jsonSerializer.serialize([68, 3, 99, {}, call[4] as unknown[]])).toBe(
      JSON.stringify([68, 3, 99, {}, [lines, 'gift']]),
    );
  });

  it('keeps nothing for messages it does not forward, or of the wrong shape', () => {
    const big = JSON.stringify(lines);
    for (const text of [
      `[36,1,2,{},[${big}]]`,
      `[48,7,{},"a.b",[${big}],{},{}]`,
      `[48,7,{},"a.b",{"x":${big}}]`,
    ]) {
      const parsed = received(text);
      const out = jsonSerializer.serialize([68, 3, 99, {}, ...(parsed.slice(4) as unknown[][])]);
      expect(out).toBe(JSON.stringify([68, 3, 99, {}, ...parsed.slice(4)]));
    }
  });
});
