import type { WireMessage } from '../messages';
import { msgpackTopItems } from './data-model';
import {
  PAYLOAD_INDEX,
  RAW_PAYLOAD_MIN_LENGTH,
  RawPayload,
  SplicedFrame,
  type ForwardedFrame,
} from './raw-payload';
import { msgpackSerializer } from './msgpack';

/** msgpack heads: fixarray / fixmap carry their size in the low 4 bits. */
const FIXARRAY = 0x90;
const FIXMAP = 0x80;
const ARRAY16 = 0xdc;
const MAP16 = 0xde;

/**
 * Whether a list (or, with `map`, a dictionary) with at least one item starts at `pos`: the
 * writer sends no empty Arguments / ArgumentsKw, and nil is read as "none".
 */
function nonEmpty(bytes: Buffer, pos: number, map: boolean): boolean {
  const head = bytes[pos]!;
  const fixed = map ? FIXMAP : FIXARRAY;
  if (head > fixed && head <= fixed + 0x0f) return true;
  const sized = map ? MAP16 : ARRAY16;
  if (head === sized) return bytes.readUInt16BE(pos + 1) > 0;
  if (head === sized + 1) return bytes.readUInt32BE(pos + 1) > 0;
  return false;
}

/**
 * The msgpack counterpart of `readForwardedFrame`: a CALL, YIELD, PUBLISH or ERROR frame of at
 * least RAW_PAYLOAD_MIN_LENGTH bytes, checked as `checkMsgpack` checks a whole frame, its head
 * decoded and its Arguments / ArgumentsKw kept as bytes. Undefined for any other frame (the
 * caller decodes it whole, and its errors are the frame's errors).
 */
export function readForwardedMsgpackFrame(frame: Uint8Array): ForwardedFrame | undefined {
  if (frame.length < RAW_PAYLOAD_MIN_LENGTH) return undefined;
  const bytes = Buffer.isBuffer(frame)
    ? frame
    : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  const ends = msgpackTopItems(bytes);
  // The code is a positive fixint (every forwarded message's code is below 128).
  if (ends === undefined || ends[0] !== 2) return undefined;
  const index = PAYLOAD_INDEX[bytes[1]!];
  if (index === undefined || ends.length <= index || ends.length > index + 2) return undefined;
  const argsStart = ends[index - 1]!;
  if (!nonEmpty(bytes, argsStart, false)) return undefined;
  if (ends.length === index + 2 && !nonEmpty(bytes, ends[index]!, true)) return undefined;
  const headBytes = Buffer.concat([Buffer.from([FIXARRAY | index]), bytes.subarray(1, argsStart)]);
  const head = msgpackSerializer.deserialize(headBytes) as WireMessage;
  return {
    head,
    payload: new RawPayload(frame, index, bytes.subarray(argsStart), msgpackSerializer, ends.length - index),
  };
}

/**
 * The msgpack frame of a message whose wire array is `head` (Arguments left out) and whose
 * payload is `payload`'s bytes: the head as the serializer writes it, its array's size counting
 * the payload's items, then the bytes as they came.
 */
export function spliceMsgpackFrame(head: WireMessage, payload: RawPayload): SplicedFrame | undefined {
  const bytes = msgpackSerializer.serialize(head) as Uint8Array;
  // Seven items at most: the writer's fixarray head, whose size is patched in place.
  if (bytes[0] !== (FIXARRAY | head.length)) return undefined;
  bytes[0] = FIXARRAY | (head.length + payload.items);
  return new SplicedFrame(bytes, payload.bytes);
}
