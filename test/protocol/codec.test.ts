import { decode, encode, MessageType, ProtocolError } from '../../src/protocol';

describe('codec', () => {
  it('omits empty Arguments and ArgumentsKw', () => {
    expect(
      encode({ type: MessageType.CALL, request: 1, options: {}, procedure: 'a.b', args: [], kwargs: {} }),
    ).toEqual([48, 1, {}, 'a.b']);
  });

  it('sends Arguments [] before a non-empty ArgumentsKw', () => {
    expect(
      encode({ type: MessageType.CALL, request: 1, options: {}, procedure: 'a.b', kwargs: { x: 1 } }),
    ).toEqual([48, 1, {}, 'a.b', [], { x: 1 }]);
  });

  it('reads null payloads as absent (lenient reader)', () => {
    expect(decode([50, 7, {}, null, null])).toEqual({ type: MessageType.RESULT, request: 7, details: {} });
  });

  it('names the message and the field of a bad id', () => {
    expect(() => decode([48, 0, {}, 'a.b'])).toThrow(ProtocolError);
    expect(() => decode([48, 0, {}, 'a.b'])).toThrow(
      'invalid CALL: Request|id must be an integer id in 1..2^53',
    );
  });

  it('rejects unknown codes', () => {
    expect(() => decode([99])).toThrow('unknown message type 99');
  });
});
