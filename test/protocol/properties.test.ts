import fc from 'fast-check';
import {
  decode,
  encode,
  messageName,
  MessageType,
  ProtocolError,
  SerializationError,
  SERIALIZERS,
  type Message,
  type Serializer,
} from '../../src/protocol';
import { asReceived, message, messageOf, wampValue } from './arbitraries';

// Bounded so the whole protocol suite stays well under 20 s on a shared 2-core machine.
const RUNS = 200;
const MESSAGE_TYPES = Object.values(MessageType);
const BY_SERIALIZER = SERIALIZERS.map((s) => [s.name, s] as const);

/** What reading a frame may do: give a message or throw ProtocolError, nothing else. */
function readOrViolation(serializer: Serializer, frame: string | Uint8Array): void {
  try {
    const result = decode(serializer.deserialize(frame));
    expect(MESSAGE_TYPES).toContain(result.type);
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
  }
}

/** The frame of an arbitrary value, or undefined when the format cannot carry it. */
function frameOf(serializer: Serializer, value: unknown[]): string | Uint8Array | undefined {
  try {
    return serializer.serialize(value) as string | Uint8Array;
  } catch (err) {
    if (err instanceof SerializationError) return undefined;
    throw err;
  }
}

/** Values of every JavaScript kind, as the in-process transport may hand them over. */
const anyValue = fc.anything({
  withBigInt: true,
  withNullPrototype: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withDate: true,
  withBoxedValues: true,
  withSparseArray: true,
});
const anyCode = fc.oneof(fc.constantFrom(...MESSAGE_TYPES), anyValue);

describe('decode of values that never went through a serializer', () => {
  it('gives a Message or throws ProtocolError', () => {
    const value = fc.oneof(
      anyValue,
      fc.tuple(anyCode, fc.array(anyValue, { maxLength: 7 })).map(([c, r]) => [c, ...r]),
    );
    fc.assert(
      fc.property(value, (raw) => {
        try {
          expect(MESSAGE_TYPES).toContain(decode(raw).type);
        } catch (err) {
          if (!(err instanceof ProtocolError)) throw err;
        }
      }),
      { numRuns: RUNS * 2 },
    );
  });
});

describe.each(BY_SERIALIZER)(
  '%s: untrusted input gives a Message or a ProtocolError',
  (_name, serializer) => {
    it('for arbitrary bytes', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => readOrViolation(serializer, bytes)),
        { numRuns: RUNS },
      );
    });

    it('for arbitrary text', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 64 }), (text) => {
          readOrViolation(serializer, serializer.binary ? Buffer.from(text) : text);
        }),
        { numRuns: RUNS },
      );
    });

    it('for arbitrary values shaped like messages (mostly a known code, then anything)', () => {
      const wireLike = fc.tuple(anyCode, fc.array(anyValue, { maxLength: 7 }));
      fc.assert(
        fc.property(wireLike, ([code, rest]) => {
          const frame = frameOf(serializer, [code, ...rest]);
          if (frame !== undefined) readOrViolation(serializer, frame);
        }),
        { numRuns: RUNS },
      );
    });

    it('for valid frames with bytes flipped, cut short or extended', () => {
      const damage = fc.tuple(
        message,
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }),
      );
      fc.assert(
        fc.property(damage, fc.nat(8), ([msg, flips], cut) => {
          const bytes = Buffer.from(serializer.serialize(encode(msg)) as string | Uint8Array);
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          readOrViolation(serializer, bytes);
          readOrViolation(serializer, bytes.subarray(0, Math.max(0, bytes.length - cut)));
          readOrViolation(serializer, Buffer.concat([bytes, Buffer.from([cut])]));
        }),
        { numRuns: RUNS },
      );
    });
  },
);

describe.each(BY_SERIALIZER)('%s: valid messages round-trip exactly', (_name, serializer) => {
  it.each(MESSAGE_TYPES.map((t) => [messageName(t), t] as const))('%s', (_type, type) => {
    fc.assert(
      fc.property(messageOf(type), (sent) => {
        const received = decode(serializer.deserialize(serializer.serialize(encode(sent))));
        expect(received).toEqual(asReceived(sent));
      }),
      { numRuns: 40 },
    );
  });

  it('payload values of every kind', () => {
    fc.assert(
      fc.property(fc.array(wampValue, { maxLength: 6 }), (args) => {
        const wire = [MessageType.YIELD, 1, {}, args];
        expect(serializer.deserialize(serializer.serialize(wire))).toEqual(wire);
      }),
      { numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------
// One field corrupted: every wire field after the code, by kind, with values of the wrong type.

type FieldKind =
  'id' | 'idOrZero' | 'uri' | 'string' | 'dict' | 'optionalDict' | 'args' | 'kwargs' | 'requestType';

const WRONG: Record<FieldKind, readonly unknown[]> = {
  id: [0, -1, 1.5, 2 ** 53 + 2, '1', null, [], {}, true],
  idOrZero: [-1, 1.5, 2 ** 53 + 2, '1', null, [], {}],
  uri: [1, null, [], {}, true, Buffer.from('a')],
  string: [1, null, [], {}, false],
  dict: [[], 'x', 1, null, true, Buffer.from('{}')],
  optionalDict: [[], 'x', 1, true],
  args: ['x', 1, {}, true, Buffer.from([1])],
  kwargs: ['x', 1, [], true],
  requestType: [99, 1.5, 'x', null, MessageType.HELLO],
};

// spec: the wire fields of each message after its code ("Message Definitions").
const WIRE_FIELDS: { [K in MessageType]: readonly FieldKind[] } = {
  [MessageType.HELLO]: ['uri', 'dict'],
  [MessageType.WELCOME]: ['id', 'dict'],
  [MessageType.ABORT]: ['dict', 'uri'],
  [MessageType.CHALLENGE]: ['string', 'dict'],
  [MessageType.AUTHENTICATE]: ['string', 'dict'],
  [MessageType.GOODBYE]: ['dict', 'uri'],
  [MessageType.ERROR]: ['requestType', 'id', 'dict', 'uri', 'args', 'kwargs'],
  [MessageType.PUBLISH]: ['id', 'dict', 'uri', 'args', 'kwargs'],
  [MessageType.PUBLISHED]: ['id', 'id'],
  [MessageType.SUBSCRIBE]: ['id', 'dict', 'uri'],
  [MessageType.SUBSCRIBED]: ['id', 'id'],
  [MessageType.UNSUBSCRIBE]: ['id', 'id'],
  [MessageType.UNSUBSCRIBED]: ['idOrZero', 'optionalDict'],
  [MessageType.EVENT]: ['id', 'id', 'dict', 'args', 'kwargs'],
  [MessageType.CALL]: ['id', 'dict', 'uri', 'args', 'kwargs'],
  [MessageType.CANCEL]: ['id', 'dict'],
  [MessageType.RESULT]: ['id', 'dict', 'args', 'kwargs'],
  [MessageType.REGISTER]: ['id', 'dict', 'uri'],
  [MessageType.REGISTERED]: ['id', 'id'],
  [MessageType.UNREGISTER]: ['id', 'id'],
  [MessageType.UNREGISTERED]: ['idOrZero', 'optionalDict'],
  [MessageType.INVOCATION]: ['id', 'id', 'dict', 'args', 'kwargs'],
  [MessageType.INTERRUPT]: ['id', 'dict'],
  [MessageType.YIELD]: ['id', 'dict', 'args', 'kwargs'],
};

/** The full wire array of a message: every optional field present. */
function fullWire(msg: Message): unknown[] {
  const withPayload =
    'args' in msg || WIRE_FIELDS[msg.type].includes('kwargs') ? { args: [1], kwargs: { k: 1 } } : {};
  const withDetails = WIRE_FIELDS[msg.type].includes('optionalDict') ? { details: { reason: 'x' } } : {};
  return encode({ ...msg, ...withPayload, ...withDetails } as Message);
}

function replaced(wire: readonly unknown[], index: number, value: unknown): unknown[] {
  const copy = wire.slice();
  copy[index] = value;
  return copy;
}

describe.each(BY_SERIALIZER)('%s: a wire array with one field corrupted', (_name, serializer) => {
  it('throws a ProtocolError naming the message and the field', () => {
    const corrupted = message.chain((msg) => {
      const wire = fullWire(msg);
      const kinds = WIRE_FIELDS[msg.type];
      expect(wire).toHaveLength(kinds.length + 1);
      return fc
        .nat(kinds.length - 1)
        .chain((i) =>
          fc.constantFrom(...WRONG[kinds[i]]).map((bad) => ({ msg, wire: replaced(wire, i + 1, bad) })),
        );
    });
    fc.assert(
      fc.property(corrupted, ({ msg, wire }) => {
        const read = serializer.deserialize(serializer.serialize(wire));
        let error: unknown;
        try {
          decode(read);
        } catch (err) {
          error = err;
        }
        expect(error).toBeInstanceOf(ProtocolError);
        expect((error as ProtocolError).messageName).toBe(messageName(msg.type));
        expect((error as ProtocolError).message).toContain(messageName(msg.type));
        expect((error as ProtocolError).field).toBeDefined();
      }),
      { numRuns: RUNS },
    );
  });
});
