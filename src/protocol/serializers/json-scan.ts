/**
 * A validating scan of JSON bytes (RFC 8259, as `JSON.parse` reads it) that builds no values:
 * it finds where a value ends, or that the bytes are not JSON. The router uses it on the
 * Arguments / ArgumentsKw of a frame it only forwards (json-payload.ts), where parsing them
 * would make values nobody reads.
 *
 * The bytes are valid UTF-8 (checked before: `isUtf8`), so any byte from 0x80 up is part of a
 * character and may stand in a string; outside strings the grammar allows none of them.
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
const WHITESPACE = new Uint8Array(256);
for (let b = 0x20; b < 256; b++) STRING_BYTE[b] = b === QUOTE || b === BACKSLASH ? 0 : 1;
for (const c of '"\\/bfnrt') SIMPLE_ESCAPE[c.charCodeAt(0)] = 1;
for (const c of '0123456789abcdefABCDEF') HEX_DIGIT[c.charCodeAt(0)] = 1;
for (const c of ' \t\n\r') WHITESPACE[c.charCodeAt(0)] = 1;

/** Kinds of the open containers, one per level (reused: a scan allocates nothing). */
const IN_ARRAY = 1;
const IN_OBJECT = 2;
const levels = new Uint8Array(SCAN_MAX_DEPTH);

export function skipWhitespace(b: Uint8Array, i: number, end: number): number {
  while (i < end && WHITESPACE[b[i]!] === 1) i++;
  return i;
}

/** After the opening quote at `i - 1`: the index after the closing quote, or NOT_SCANNED. */
function scanString(b: Uint8Array, i: number, end: number): number {
  for (;;) {
    while (i < end && STRING_BYTE[b[i]!] === 1) i++;
    if (i >= end) return NOT_SCANNED;
    const c = b[i]!;
    if (c === QUOTE) return i + 1;
    if (c !== BACKSLASH || i + 1 >= end) return NOT_SCANNED; // a control character, or `\` last
    const e = b[i + 1]!;
    if (SIMPLE_ESCAPE[e] === 1) {
      i += 2;
    } else if (e === 0x75) {
      // \uXXXX: any four hex digits, lone surrogates included (JSON.parse takes them).
      if (i + 6 > end) return NOT_SCANNED;
      if (
        (HEX_DIGIT[b[i + 2]!]! & HEX_DIGIT[b[i + 3]!]! & HEX_DIGIT[b[i + 4]!]! & HEX_DIGIT[b[i + 5]!]!) ===
        0
      )
        return NOT_SCANNED;
      i += 6;
    } else {
      return NOT_SCANNED;
    }
  }
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= ZERO && c <= NINE;
}

function skipDigits(b: Uint8Array, i: number, end: number): number {
  while (i < end && isDigit(b[i])) i++;
  return i;
}

/** A number at `i`: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. */
function scanNumber(b: Uint8Array, i: number, end: number): number {
  if (b[i] === MINUS) i++;
  if (i >= end) return NOT_SCANNED;
  if (b[i] === ZERO) i++;
  else if (isDigit(b[i])) i = skipDigits(b, i + 1, end);
  else return NOT_SCANNED;
  if (i < end && b[i] === DOT) {
    if (!isDigit(b[i + 1])) return NOT_SCANNED;
    i = skipDigits(b, i + 2, end);
  }
  if (i < end && (b[i]! | 0x20) === 0x65) {
    i++;
    if (b[i] === PLUS || b[i] === MINUS) i++;
    if (!isDigit(b[i])) return NOT_SCANNED;
    i = skipDigits(b, i + 1, end);
  }
  return i;
}

const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const NULL = [0x6e, 0x75, 0x6c, 0x6c];

function scanLiteral(b: Uint8Array, i: number, end: number, literal: readonly number[]): number {
  if (i + literal.length > end) return NOT_SCANNED;
  for (let k = 0; k < literal.length; k++) if (b[i + k] !== literal[k]) return NOT_SCANNED;
  return i + literal.length;
}

/** A scalar (string, number, literal) at `i`, whose first byte is `c`. */
function scanScalar(b: Uint8Array, i: number, end: number, c: number): number {
  if (c === QUOTE) return scanString(b, i + 1, end);
  if (c === MINUS || (c >= ZERO && c <= NINE)) return scanNumber(b, i, end);
  if (c === 0x74) return scanLiteral(b, i, end, TRUE);
  if (c === 0x66) return scanLiteral(b, i, end, FALSE);
  if (c === 0x6e) return scanLiteral(b, i, end, NULL);
  return NOT_SCANNED;
}

/** After `{` or `,` in an object: `"key" :` then the index of the value's first byte, or NOT_SCANNED. */
function scanKey(b: Uint8Array, i: number, end: number): number {
  if (b[i] !== QUOTE) return NOT_SCANNED;
  i = scanString(b, i + 1, end);
  if (i < 0) return NOT_SCANNED;
  i = skipWhitespace(b, i, end);
  if (b[i] !== COLON) return NOT_SCANNED;
  return skipWhitespace(b, i + 1, end);
}

/**
 * Scans one JSON value starting at `i` (no whitespace before it) within `b[..end)`: the index
 * just after it, or NOT_SCANNED when the bytes are not a JSON value there or nest deeper than
 * SCAN_MAX_DEPTH. Iterative: a hostile nesting costs no stack.
 */
export function scanValue(b: Uint8Array, i: number, end: number): number {
  let depth = 0;
  for (;;) {
    // A value starts at i.
    if (i >= end) return NOT_SCANNED;
    const c = b[i]!;
    if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      i = skipWhitespace(b, i + 1, end);
      if (b[i] === (c === OPEN_ARRAY ? CLOSE_ARRAY : CLOSE_OBJECT)) {
        i++;
      } else {
        if (depth === SCAN_MAX_DEPTH) return NOT_SCANNED;
        levels[depth++] = c === OPEN_ARRAY ? IN_ARRAY : IN_OBJECT;
        if (c === OPEN_OBJECT) {
          i = scanKey(b, i, end);
          if (i < 0) return NOT_SCANNED;
        }
        continue;
      }
    } else {
      i = scanScalar(b, i, end, c);
      if (i < 0) return NOT_SCANNED;
    }
    // A value ended at i: close what it ends, up to the next value.
    for (;;) {
      if (depth === 0) return i;
      i = skipWhitespace(b, i, end);
      const next = b[i];
      const kind = levels[depth - 1];
      if (next === COMMA) {
        i = skipWhitespace(b, i + 1, end);
        if (kind === IN_OBJECT) {
          i = scanKey(b, i, end);
          if (i < 0) return NOT_SCANNED;
        }
        break;
      }
      if (next !== (kind === IN_ARRAY ? CLOSE_ARRAY : CLOSE_OBJECT)) return NOT_SCANNED;
      i++;
      depth--;
    }
  }
}
