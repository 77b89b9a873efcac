import { decode, encode } from './codec';
import type { Message, Payload } from './messages';
import type { Frame, Serializer } from './serializer';
import { jsonSerializer } from './serializers/json';
import { readForwardedMsgpackFrame, spliceMsgpackFrame } from './serializers/msgpack-payload';
import { msgpackSerializer } from './serializers/msgpack';
import { readForwardedFrame, spliceJsonFrame } from './serializers/json-payload';
import { rawPayloadOf, withRawPayload, type SplicedFrame } from './serializers/raw-payload';

/**
 * Frame to typed message and back for a peer that forwards payloads (the router): a JSON frame
 * of a message it forwards keeps its Arguments / ArgumentsKw as the frame's bytes, checked and
 * not parsed (serializers/json-payload.ts), and a message carrying such bytes is written for a
 * JSON peer by splicing them after its head. Values are parsed only when something reads them.
 */

/** Deserializes and decodes one frame of `serializer`; throws `ProtocolError` as `decode` does. */
export function decodeForwarding(serializer: Serializer, frame: Frame): Message {
  if (frame instanceof Uint8Array) {
    const forwarded =
      serializer === jsonSerializer
        ? readForwardedFrame(frame)
        : serializer === msgpackSerializer
          ? readForwardedMsgpackFrame(frame)
          : undefined;
    if (forwarded !== undefined) {
      const message = decode(forwarded.head);
      withRawPayload(message as Payload, forwarded.payload);
      return message;
    }
  }
  return decode(serializer.deserialize(frame));
}

/**
 * Encodes and serializes `message` for `serializer`: a message carrying JSON payload bytes, for a
 * JSON peer, as a `SplicedFrame` (its head's bytes, then the payload's); throws
 * `SerializationError` as `serialize` does.
 */
export function serializeForwarding(serializer: Serializer, message: Message): Frame | SplicedFrame {
  const raw = rawPayloadOf(message);
  if (raw !== undefined && serializer === raw.payload.serializer) {
    const head = encode(raw.head as Message);
    const spliced =
      serializer === jsonSerializer
        ? spliceJsonFrame(head, raw.payload)
        : spliceMsgpackFrame(head, raw.payload);
    if (spliced !== undefined) return spliced;
  }
  return serializer.serialize(encode(message));
}
