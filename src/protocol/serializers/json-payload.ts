import { MessageType } from '../messages';

/**
 * Frames shorter than this are re-serialized as usual: below it, finding the payload's text
 * costs about what writing it again would.
 */
export const PAYLOAD_TEXT_MIN_LENGTH = 1024;

/** Where Arguments sit in the messages a router forwards (their ArgumentsKw, if any, follow). */
const PAYLOAD_INDEX: Partial<Record<number, number>> = {
  [MessageType.CALL]: 4,
  [MessageType.YIELD]: 3,
  [MessageType.PUBLISH]: 4,
  [MessageType.ERROR]: 5,
};

/** The JSON text an inbound frame carried for its Arguments (and ArgumentsKw), the frame's `]` included. */
interface PayloadText {
  readonly kwargs: unknown;
  readonly text: string;
}

/** Keyed by the Arguments list itself: a message built with another list is written as usual. */
const payloadTexts = new WeakMap<object, PayloadText>();
/** Whether any text was ever kept: until then (a process of small messages) nothing is looked up. */
let anyKept = false;

/**
 * Remembers the text of the Arguments / ArgumentsKw of `parsed`, the value JSON `text` gave, so
 * that a message forwarding the same (unchanged) list and dictionary to a JSON peer copies that
 * text instead of writing the values again (`splicePayloadText`). The text is found only where
 * the frame's head is written exactly as `JSON.stringify` writes it (compact, as every common
 * peer sends): the head's text is then known to end where the payload's begins. The text keeps
 * what the peer wrote, so integers beyond 2^53 and bytes (`"\u0000"` + base64) go on as they came.
 */
export function keepPayloadText(parsed: unknown, text: string): void {
  if (!Array.isArray(parsed) || text.length < PAYLOAD_TEXT_MIN_LENGTH) return;
  const index = PAYLOAD_INDEX[parsed[0] as number];
  if (index === undefined || parsed.length <= index || parsed.length > index + 2) return;
  const args: unknown = parsed[index];
  if (!Array.isArray(args)) return;
  let head: string;
  try {
    head = JSON.stringify(parsed.slice(0, index));
  } catch {
    return; // a BigInt in the head (read losslessly): written as usual
  }
  // `[a,b,c]` of the head, then `,` where its closing bracket would be: the payload starts after.
  const end = head.length - 1;
  if (text.charCodeAt(end) !== 0x2c || text.slice(0, end) !== head.slice(0, end)) return;
  payloadTexts.set(args, { kwargs: parsed[index + 1], text: text.slice(end + 1) });
  anyKept = true;
}

/**
 * The JSON text of `message` with its Arguments / ArgumentsKw copied from the frame they came
 * in (`keepPayloadText`), its head written by `writeHead`; undefined when the message does not
 * end with a list (and dictionary) remembered together.
 */
export function splicePayloadText(
  message: readonly unknown[],
  writeHead: (head: unknown[]) => string,
): string | undefined {
  if (!anyKept) return undefined;
  const last: unknown = message[message.length - 1];
  let index = message.length - 1;
  let payload: PayloadText | undefined;
  if (Array.isArray(last)) {
    payload = payloadTexts.get(last);
    if (payload?.kwargs !== undefined) return undefined;
  } else {
    index--;
    const args: unknown = message[index];
    payload = Array.isArray(args) ? payloadTexts.get(args) : undefined;
    if (payload === undefined || payload.kwargs !== last) return undefined;
  }
  if (payload === undefined || index < 1) return undefined;
  const head = writeHead(message.slice(0, index));
  return `${head.slice(0, -1)},${payload.text}`;
}

/**
 * Forgets the text kept for any Arguments list among `values` (a wire array's items, or a typed
 * message's `args`): the list is being handed to an in-process peer, which holds it by reference
 * and could change it in place, so a message sending it on is written from its values again.
 */
export function forgetPayloadText(values: readonly unknown[]): void {
  if (!anyKept) return;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (Array.isArray(value)) payloadTexts.delete(value);
  }
}
