/**
 * A validating scan of JSON bytes (RFC 8259, as `JSON.parse` reads it) that builds no values:
 * it finds where a value ends, or that the bytes are not JSON. The router uses it on the
 * Arguments / ArgumentsKw of a frame it only forwards (json-payload.ts), where parsing them
 * would make values nobody reads.
 *
 * The bytes are valid UTF-8 (checked before: `isUtf8`), so any byte from 0x80 up is part of a
 * character and may stand in a string; outside strings the grammar allows none of them.
 * Reading past the end of a typed array gives `undefined`, which no table or comparison below
 * takes for a JSON byte: the loops run without a bounds check and each answer checks `end`.
 */

/** Nesting the scan follows; deeper values are left to `JSON.parse` (the scan says "not sure"). */
export const SCAN_MAX_DEPTH = 256;

/** The scan's answer when the bytes are not JSON, or nested deeper than SCAN_MAX_DEPTH. */
export const NOT_SCANNED = -1;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** Bytes that stand for themselves inside a string: not a control character, `"` or `\`. */
const STRING_BYTE = new Uint8Array(256);
/** The escapes after `\` (`\u` is checked apart). */
const SIMPLE_ESCAPE = new Uint8Array(256);
const HEX_DIGIT = new Uint8Array(256);
const DIGIT = new Uint8Array(256);
const WHITESPACE = new Uint8Array(256);
for (let b = 0x20; b < 256; b++) STRING_BYTE[b] = b === QUOTE || b === BACKSLASH ? 0 : 1;
for (const c of '"\\/bfnrt') SIMPLE_ESCAPE[c.charCodeAt(0)] = 1;
for (const c of '0123456789abcdefABCDEF') HEX_DIGIT[c.charCodeAt(0)] = 1;
for (const c of '0123456789') DIGIT[c.charCodeAt(0)] = 1;
for (const c of ' \t\n\r') WHITESPACE[c.charCodeAt(0)] = 1;

/** Whether each open container is an object, one level each (reused: a scan allocates nothing). */
const inObjectAt = new Uint8Array(SCAN_MAX_DEPTH);

export function skipWhitespace(b: Uint8Array, i: number, end: number): number {
  while (i < end && WHITESPACE[b[i]!] === 1) i++;
  return i;
}

/** After the opening quote at `i - 1`: the index after the closing quote, or NOT_SCANNED. */
function scanString(b: Uint8Array, i: number, end: number): number {
  for (;;) {
    // Four bytes a round, each load independent of the others: the run of plain bytes ends at
    // the first that is not one, as a byte-by-byte loop would find it.
    for (;;) {
      if (STRING_BYTE[b[i]!] !== 1) break;
      if (STRING_BYTE[b[i + 1]!] !== 1) {
        i += 1;
        break;
      }
      if (STRING_BYTE[b[i + 2]!] !== 1) {
        i += 2;
        break;
      }
      if (STRING_BYTE[b[i + 3]!] !== 1) {
        i += 3;
        break;
      }
      i += 4;
    }
    if (i >= end) return NOT_SCANNED;
    const c = b[i];
    if (c === QUOTE) return i + 1;
    if (c !== BACKSLASH) return NOT_SCANNED; // a control character
    const e = b[i + 1]!;
    if (SIMPLE_ESCAPE[e] === 1) {
      i += 2;
    } else if (
      // \uXXXX: any four hex digits, lone surrogates included (JSON.parse takes them).
      e === 0x75 &&
      (HEX_DIGIT[b[i + 2]!]! & HEX_DIGIT[b[i + 3]!]! & HEX_DIGIT[b[i + 4]!]! & HEX_DIGIT[b[i + 5]!]!) === 1
    ) {
      i += 6;
    } else {
      return NOT_SCANNED;
    }
  }
}

function skipDigits(b: Uint8Array, i: number): number {
  for (;;) {
    if (DIGIT[b[i]!] !== 1) return i;
    if (DIGIT[b[i + 1]!] !== 1) return i + 1;
    i += 2;
  }
}

/** A number at `i`: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. */
function scanNumber(b: Uint8Array, i: number, end: number): number {
  if (b[i] === MINUS) i++;
  let c = b[i];
  if (c === ZERO) i++;
  else if (c !== undefined && c > ZERO && c <= NINE) i = skipDigits(b, i + 1);
  else return NOT_SCANNED;
  c = b[i];
  if (c === DOT) {
    if (DIGIT[b[i + 1]!] !== 1) return NOT_SCANNED;
    i = skipDigits(b, i + 2);
    c = b[i];
  }
  if (c === 0x65 || c === 0x45) {
    i++;
    c = b[i];
    if (c === PLUS || c === MINUS) i++;
    if (DIGIT[b[i]!] !== 1) return NOT_SCANNED;
    i = skipDigits(b, i + 1);
  }
  return i > end ? NOT_SCANNED : i;
}

/** `true`, `false` or `null` at `i`, whose first byte is `c`. */
function scanLiteral(b: Uint8Array, i: number, end: number, c: number): number {
  let length = 0;
  if (c === 0x74) length = b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65 ? 4 : 0;
  else if (c === 0x66)
    length = b[i + 1] === 0x61 && b[i + 2] === 0x6c && b[i + 3] === 0x73 && b[i + 4] === 0x65 ? 5 : 0;
  else if (c === 0x6e) length = b[i + 1] === 0x75 && b[i + 2] === 0x6c && b[i + 3] === 0x6c ? 4 : 0;
  return length === 0 || i + length > end ? NOT_SCANNED : i + length;
}

/**
 * Scans one JSON value starting at `i` (no whitespace before it) within `b[..end)`: the index
 * just after it, or NOT_SCANNED when the bytes are not a JSON value there or nest deeper than
 * SCAN_MAX_DEPTH. Iterative: a hostile nesting costs no stack.
 */
export function scanValue(b: Uint8Array, i: number, end: number): number {
  let depth = 0;
  let inObject = false;
  for (;;) {
    // A value starts at i; in an object, its key and colon first.
    if (inObject) {
      if (b[i] !== QUOTE) return NOT_SCANNED;
      i = scanString(b, i + 1, end);
      if (i < 0) return NOT_SCANNED;
      if (b[i] !== COLON) i = skipWhitespace(b, i, end);
      if (b[i] !== COLON) return NOT_SCANNED;
      i = skipWhitespace(b, i + 1, end);
    }
    if (i >= end) return NOT_SCANNED;
    const c = b[i]!;
    if (c === QUOTE) {
      i = scanString(b, i + 1, end);
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      i = skipWhitespace(b, i + 1, end);
      if (b[i] !== (c === OPEN_ARRAY ? CLOSE_ARRAY : CLOSE_OBJECT)) {
        if (depth === SCAN_MAX_DEPTH) return NOT_SCANNED;
        inObject = c === OPEN_OBJECT;
        inObjectAt[depth++] = inObject ? 1 : 0;
        continue;
      }
      i++; // empty
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
      i = scanNumber(b, i, end);
    } else {
      i = scanLiteral(b, i, end, c);
    }
    if (i < 0 || i > end) return NOT_SCANNED;
    // A value ended at i: close the containers it ends, up to the next value.
    for (;;) {
      if (depth === 0) return i;
      let next = b[i];
      if (next !== COMMA && next !== CLOSE_ARRAY && next !== CLOSE_OBJECT) {
        i = skipWhitespace(b, i, end);
        next = b[i];
      }
      if (i >= end) return NOT_SCANNED;
      inObject = inObjectAt[depth - 1] === 1;
      if (next === COMMA) {
        i = skipWhitespace(b, i + 1, end);
        break;
      }
      if (next !== (inObject ? CLOSE_OBJECT : CLOSE_ARRAY)) return NOT_SCANNED;
      i++;
      depth--;
    }
  }
}
