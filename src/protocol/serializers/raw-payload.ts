import { MessageType, type Args, type Kwargs, type Payload, type WireMessage } from '../messages';
import type { Serializer } from '../serializer';

/**
 * Payloads a router forwards as the bytes they came in (JSON: json-payload.ts, msgpack:
 * msgpack-payload.ts): the bytes with what they hold, the frame made of a head and those bytes,
 * and the messages that carry them.
 */

/**
 * Frames shorter than this are parsed whole, as usual: below it, scanning the head apart and
 * splicing bytes costs about what parsing and writing the payload again would.
 */
export const RAW_PAYLOAD_MIN_LENGTH = 1024;

/** Where Arguments sit in the messages a router forwards (their ArgumentsKw, if any, follow). */
export const PAYLOAD_INDEX: Partial<Record<number, number>> = {
  [MessageType.CALL]: 4,
  [MessageType.YIELD]: 3,
  [MessageType.PUBLISH]: 4,
  [MessageType.ERROR]: 5,
};

/**
 * The Arguments / ArgumentsKw of a frame as its bytes, checked (json-scan.ts for JSON, the data
 * model's walk for msgpack) and not decoded: a peer of the same serializer gets these bytes
 * spliced after the head of the message that forwards them (`spliceJsonFrame`,
 * `spliceMsgpackFrame`); whoever reads the values gets them decoded from the frame by its
 * serializer's `deserialize`, once, with its rules for bytes and big integers.
 */
export class RawPayload {
  private parsed: Payload | undefined;

  constructor(
    /** The whole frame: the values are parsed from it as the frame would have been. */
    private readonly frame: Uint8Array,
    /** Where Arguments sit in the frame's array. */
    private readonly index: number,
    /** The bytes from Arguments to the frame's end (JSON: `[...]` or `[...],{...}`, then the frame's `]`). */
    readonly bytes: Uint8Array,
    /** The frame's serializer. */
    readonly serializer: Serializer,
    /** Items the bytes hold: 1 (Arguments) or 2 (and ArgumentsKw). */
    readonly items = 1,
  ) {}

  /** The values, parsed once from the frame. */
  values(): Payload {
    if (this.parsed !== undefined) return this.parsed;
    const wire = this.serializer.deserialize(this.frame) as unknown[];
    this.parsed = { args: wire[this.index] as Args, kwargs: wire[this.index + 1] as Kwargs | undefined };
    return this.parsed;
  }
}

/** A frame read with its payload kept as bytes: the head's values, then the payload. */
export interface ForwardedFrame {
  /** The frame's array up to its Arguments (which are left out). */
  readonly head: WireMessage;
  readonly payload: RawPayload;
}

/**
 * A frame in two pieces, its head's bytes and the payload's bytes as they came: a transport
 * that can write pieces (`Transport.sendSpliced`) writes both uncopied, any other gets them joined.
 */
export class SplicedFrame {
  private whole: Uint8Array | undefined;

  constructor(
    readonly head: Uint8Array,
    readonly rest: Uint8Array,
  ) {}

  get byteLength(): number {
    return this.head.byteLength + this.rest.byteLength;
  }

  /** The frame in one buffer (made once). */
  joined(): Uint8Array {
    this.whole ??= Buffer.concat([this.head, this.rest], this.byteLength);
    return this.whole;
  }
}

/** A message that carries a raw payload: its head (without Arguments) and the payload. */
interface Carried {
  readonly head: object;
  readonly payload: RawPayload;
}

/** Keyed by the message object: a message built with other Arguments is written as usual. */
const carried = new WeakMap<object, Carried>();

/**
 * Gives `message` (a head: no Arguments / ArgumentsKw of its own) the payload `payload`: reading
 * its `args` or `kwargs` parses the payload (once); serializing it for a JSON peer splices the
 * bytes (`rawPayloadOf`). Returns `message`.
 */
export function withRawPayload<T extends Payload>(message: T, payload: RawPayload): T {
  const head = { ...message };
  Object.defineProperties(message, {
    args: { get: () => payload.values().args, enumerable: true, configurable: true },
    kwargs: { get: () => payload.values().kwargs, enumerable: true, configurable: true },
  });
  carried.set(message, { head, payload });
  return message;
}

/**
 * Gives `message` the Arguments / ArgumentsKw of `source`, the message it forwards: the raw
 * payload itself when `source` carries one (no values made), its values otherwise. Returns
 * `message`.
 */
export function carryPayload<T extends Payload>(message: T, source: Payload): T {
  const raw = carried.get(source);
  if (raw !== undefined) return withRawPayload(message, raw.payload);
  message.args = source.args;
  message.kwargs = source.kwargs;
  return message;
}

/** The head and raw payload of `message`, if it carries one (`withRawPayload`, `carryPayload`). */
export function rawPayloadOf(message: object): Carried | undefined {
  return carried.get(message);
}
