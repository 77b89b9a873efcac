import { isUtf8 } from 'node:buffer';
import type { WireMessage } from '../messages';
import { jsonSerializer } from './json';
import { NOT_SCANNED, scanValue, skipWhitespace } from './json-scan';
import {
  PAYLOAD_INDEX,
  RAW_PAYLOAD_MIN_LENGTH,
  RawPayload,
  SplicedFrame,
  type ForwardedFrame,
} from './raw-payload';

const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * Reads a JSON frame of a message the router forwards (CALL, YIELD, PUBLISH, ERROR) of at least
 * RAW_PAYLOAD_MIN_LENGTH bytes: its head parsed, its Arguments / ArgumentsKw checked by the scan
 * and kept as bytes. Undefined for any other frame, and for one whose bytes the scan does not
 * accept, or that the writer would not send as it is (empty Arguments or ArgumentsKw, leading
 * whitespace, a head that is not a plain array): the caller then parses the whole frame, whose
 * errors are the frame's errors.
 */
export function readForwardedFrame(frame: Uint8Array): ForwardedFrame | undefined {
  const end = frame.length;
  if (end < RAW_PAYLOAD_MIN_LENGTH || frame[0] !== OPEN_ARRAY || !isUtf8(frame)) return undefined;
  // The head: the code and the fields before Arguments, each a JSON value.
  let i = skipWhitespace(frame, 1, end);
  const codeEnd = scanValue(frame, i, end);
  if (codeEnd === NOT_SCANNED) return undefined;
  const index =
    PAYLOAD_INDEX[Number(Buffer.from(frame.buffer, frame.byteOffset + i, codeEnd - i).toString())];
  if (index === undefined) return undefined;
  i = codeEnd;
  for (let field = 1; field <= index; field++) {
    i = skipWhitespace(frame, i, end);
    if (frame[i] !== COMMA) return undefined;
    if (field === index) break;
    i = scanValue(frame, skipWhitespace(frame, i + 1, end), end);
    if (i === NOT_SCANNED) return undefined;
  }
  const headEnd = i; // the comma before Arguments
  // Arguments, a non-empty list; ArgumentsKw, a non-empty dictionary, if any; then the frame's end.
  const argsStart = skipWhitespace(frame, headEnd + 1, end);
  if (!opensNonEmpty(frame, argsStart, end, OPEN_ARRAY, CLOSE_ARRAY)) return undefined;
  i = scanValue(frame, argsStart, end);
  if (i === NOT_SCANNED) return undefined;
  i = skipWhitespace(frame, i, end);
  if (frame[i] === COMMA) {
    const kwargsStart = skipWhitespace(frame, i + 1, end);
    if (!opensNonEmpty(frame, kwargsStart, end, OPEN_OBJECT, CLOSE_OBJECT)) return undefined;
    i = scanValue(frame, kwargsStart, end);
    if (i === NOT_SCANNED) return undefined;
    i = skipWhitespace(frame, i, end);
  }
  if (frame[i] !== CLOSE_ARRAY || skipWhitespace(frame, i + 1, end) !== end) return undefined;
  const headText = `${Buffer.from(frame.buffer, frame.byteOffset, headEnd).toString()}]`;
  const head = jsonSerializer.deserialize(headText) as WireMessage;
  return { head, payload: new RawPayload(frame, index, frame.subarray(argsStart), jsonSerializer) };
}

function opensNonEmpty(frame: Uint8Array, i: number, end: number, open: number, close: number): boolean {
  return frame[i] === open && frame[skipWhitespace(frame, i + 1, end)] !== close;
}

/**
 * The JSON frame of a message whose wire array is `head` (Arguments left out) and whose payload
 * is `payload`'s bytes: the head as the serializer writes it, its `]` replaced by `,`, then the
 * bytes, sent as they came (integers beyond 2^53 and `"\u0000"` + base64 bytes included).
 */
export function spliceJsonFrame(head: WireMessage, payload: RawPayload): SplicedFrame {
  const text = jsonSerializer.serialize(head) as string;
  return new SplicedFrame(Buffer.from(`${text.slice(0, -1)},`), payload.bytes);
}
