import { cborSerializer, jsonSerializer, msgpackSerializer } from '../../../src/protocol/serializers';
import {
  clientNegotiation,
  encodeHandshake,
  encodeHandshakeError,
  HandshakeError,
  lengthExponentOf,
  maxLengthOf,
  routerNegotiation,
} from '../../../src/transport/rawsocket/handshake';

describe('RawSocket handshake', () => {
  it.each([
    [1, 0],
    [511, 0],
    [512, 0],
    [1023, 0],
    [1024, 1],
    [1_000_000, 10],
    [16 * 1024 * 1024, 15],
    [64 * 1024 * 1024, 15],
  ])('rounds maxMessageSize %i down to the exponent %i', (size, exponent) => {
    expect(lengthExponentOf(size)).toBe(exponent);
  });

  it('maps exponents to sizes 2^(9+L)', () => {
    expect(maxLengthOf(0)).toBe(512);
    expect(maxLengthOf(15)).toBe(16 * 1024 * 1024);
  });

  it('encodes requests, replies and errors', () => {
    expect([...encodeHandshake(15, 2)]).toEqual([0x7f, 0xf2, 0, 0]);
    expect([...encodeHandshakeError(HandshakeError.CONNECTION_LIMIT)]).toEqual([0x7f, 0x40, 0, 0]);
  });

  describe('router side', () => {
    const negotiate = routerNegotiation([jsonSerializer, cborSerializer], 10, () => false);

    it('accepts a serializer it speaks, echoes it and announces its own limit', () => {
      const outcome = negotiate(0x53, 0);
      expect(outcome).toMatchObject({ ok: true, serializer: cborSerializer, peerMaxMessageSize: 2 ** 14 });
      expect([...outcome.reply!]).toEqual([0x7f, 0xa3, 0, 0]);
    });

    it.each([
      ['an unsupported serializer', 0x52, 0, 0x10, 'SERIALIZER_UNSUPPORTED'],
      ['the illegal serializer 0', 0x50, 0, 0x10, 'SERIALIZER_UNSUPPORTED'],
      ['reserved octets', 0x51, 1, 0x30, 'RESERVED_BITS'],
    ])('refuses %s', (_what, octet, reserved, replyOctet, code) => {
      const outcome = negotiate(octet, reserved);
      expect(outcome).toMatchObject({ ok: false, error: { name: 'TransportError', code } });
      expect([...outcome.reply!]).toEqual([0x7f, replyOctet, 0, 0]);
    });

    it('refuses with error 4 when at capacity', () => {
      const full = routerNegotiation([jsonSerializer], 10, () => true);
      expect(full(0x51, 0)).toMatchObject({ ok: false, error: { code: 'CONNECTION_LIMIT' } });
      expect([...full(0x51, 0).reply!]).toEqual([0x7f, 0x40, 0, 0]);
    });
  });

  describe('client side', () => {
    const negotiate = clientNegotiation(msgpackSerializer, 'rs://127.0.0.1:9');

    it('accepts its own serializer echoed, with the router limit', () => {
      expect(negotiate(0x02, 0)).toEqual({
        ok: true,
        serializer: msgpackSerializer,
        peerMaxMessageSize: 512,
      });
    });

    it.each([
      [0x10, 'SERIALIZER_UNSUPPORTED'],
      [0x20, 'MAX_LENGTH_UNACCEPTABLE'],
      [0x30, 'RESERVED_BITS'],
      [0x40, 'CONNECTION_LIMIT'],
      [0x90, 'HANDSHAKE_ERROR_9'],
    ])('reads the error reply 0x%s', (octet, code) => {
      const outcome = negotiate(octet, 0);
      expect(outcome).toMatchObject({
        ok: false,
        error: { code, message: expect.stringContaining('rs://127.0.0.1:9') },
      });
    });

    it('fails on a different serializer or reserved bits in the reply', () => {
      expect(negotiate(0x01, 0)).toMatchObject({ ok: false, error: { code: 'SERIALIZER_MISMATCH' } });
      expect(negotiate(0x02, 0x100)).toMatchObject({ ok: false, error: { code: 'RESERVED_BITS' } });
    });
  });
});
