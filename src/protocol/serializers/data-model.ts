import { ProtocolError } from '../errors';

/**
 * WAMP's data model is JSON's plus bytes: null, booleans, integers, floats, strings, bytes,
 * lists and dictionaries with string keys. msgpack and CBOR can say more (extension types,
 * tags: dates, regular expressions, sets, errors, records, shared references that build
 * cycles), and their libraries decode all of it by default. These checks walk the bytes of
 * one document before it is decoded and refuse anything outside the model, so no such value
 * reaches the router or an argument binder. They also refuse lengths the bytes cannot hold
 * (no allocation for an array "of 4 billion elements" in a 10-byte frame), `__proto__` keys,
 * and nesting deeper than MAX_DEPTH.
 *
 * Iterative, over a stack of "items still expected" counts: no recursion, no allocation (one
 * walk's state, reused); strings and bytes are skipped by their length.
 */

/** Deepest nesting of lists and dictionaries accepted. */
export const MAX_DEPTH = 256;

/** `__proto__` in UTF-8: a key that would set a decoded object's prototype. */
const PROTO = Buffer.from('__proto__');

/** A map level: its items alternate key, value. */
const MAP_LEVEL = 1;
/** At a map level: the next item is a key. */
const KEY_NEXT = 2;

/**
 * The state of one check, reused from frame to frame (a check runs to its end synchronously):
 * per open level, the items still expected and whether it is a map and a key comes next, in
 * typed arrays of MAX_DEPTH levels, so a frame allocates nothing.
 */
class Walk {
  pos = 0;
  /** Open levels. */
  depth = 0;
  bytes: Buffer = EMPTY;
  format = '';
  /** Items still expected at each open level; -1 for an indefinite-length CBOR container. */
  private readonly pending = new Float64Array(MAX_DEPTH);
  /** MAP_LEVEL and KEY_NEXT bits of each open level. */
  private readonly flags = new Uint8Array(MAX_DEPTH);

  start(bytes: Buffer, format: string): this {
    this.bytes = bytes;
    this.format = format;
    this.pos = 0;
    this.depth = 0;
    return this;
  }

  /** Lets the frame go once checked (the walk outlives it). */
  finish(): void {
    this.bytes = EMPTY;
  }

  fail(problem: string): never {
    const format = this.format;
    this.finish();
    throw new ProtocolError(`invalid ${format} frame: ${problem}`);
  }

  /** `n` bytes must follow at `pos`. */
  need(n: number): void {
    if (n > this.bytes.length - this.pos) this.fail('truncated');
  }

  /** True when the item about to be read is a map key. */
  atKey(): boolean {
    return this.depth > 0 && (this.flags[this.depth - 1] & (MAP_LEVEL | KEY_NEXT)) === (MAP_LEVEL | KEY_NEXT);
  }

  /** True when the innermost open level is an indefinite-length container. */
  inIndefinite(): boolean {
    return this.depth > 0 && this.pending[this.depth - 1] === -1;
  }

  /** True when the innermost open level is a map waiting for the value of a key. */
  awaitsValue(): boolean {
    return this.depth > 0 && (this.flags[this.depth - 1] & (MAP_LEVEL | KEY_NEXT)) === MAP_LEVEL;
  }

  /** Opens a container of `items` items (-1: indefinite); each needs at least one byte. */
  open(items: number, map: boolean): void {
    if (this.depth >= MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH} levels`);
    if (items > this.bytes.length - this.pos)
      this.fail(`a length of ${items} items in ${this.bytes.length} bytes`);
    this.pending[this.depth] = items;
    this.flags[this.depth] = map ? MAP_LEVEL | KEY_NEXT : 0;
    this.depth++;
  }

  /** One item (scalar or a whole container's head) was read at the current level. */
  itemDone(): void {
    while (this.depth > 0) {
      const i = this.depth - 1;
      if ((this.flags[i] & MAP_LEVEL) !== 0) this.flags[i] ^= KEY_NEXT;
      if (this.pending[i] === -1) return;
      if (--this.pending[i] > 0) return;
      this.depth--;
    }
  }

  /** Closes the innermost level. */
  pop(): void {
    this.depth--;
  }

  /** A string of `length` bytes at `pos`, which may be a map key. */
  string(length: number): void {
    this.need(length);
    if (
      length === PROTO.length &&
      this.atKey() &&
      this.bytes.compare(PROTO, 0, length, this.pos, this.pos + length) === 0
    ) {
      this.fail('a "__proto__" key');
    }
    this.pos += length;
  }

  noKey(what: string): void {
    if (this.atKey()) this.fail(`a dictionary key that is ${what}, not a string`);
  }

  end(): void {
    if (this.depth > 0) this.fail('truncated');
    if (this.pos !== this.bytes.length) this.fail('bytes after the end of the message');
    this.finish();
  }
}

const EMPTY = Buffer.alloc(0);
/** The one walk every check uses. */
const walk = new Walk();

/** Throws ProtocolError unless `bytes` is one msgpack document within WAMP's data model. */
export function checkMsgpack(bytes: Buffer): void {
  const w = walk.start(bytes, 'msgpack');
  do {
    w.need(1);
    const b = bytes[w.pos++];
    if (b <= 0x7f || b >= 0xe0) w.noKey('an integer');
    else if (b <= 0x8f) {
      w.noKey('a dictionary');
      if ((b & 0x0f) > 0) {
        w.open((b & 0x0f) * 2, true);
        continue;
      }
    } else if (b <= 0x9f) {
      w.noKey('a list');
      if ((b & 0x0f) > 0) {
        w.open(b & 0x0f, false);
        continue;
      }
    } else if (b <= 0xbf) w.string(b & 0x1f);
    else if (!readMsgpackHead(w, b)) continue;
    w.itemDone();
  } while (w.depth > 0);
  w.end();
}

/**
 * Where each item of a msgpack frame's top-level fixarray ends, the frame checked as
 * `checkMsgpack` checks it and every string's bytes checked to be UTF-8 (msgpackr reads bad
 * UTF-8 without complaint, replacing it: bytes forwarded as they came must not carry it to a
 * strict peer). Undefined when the frame is no non-empty fixarray or fails a check: the caller
 * then decodes it whole, as before. Its own copy of `checkMsgpack`'s loop, so that the check of
 * every other frame stays as it was.
 */
export function msgpackTopItems(bytes: Buffer): number[] | undefined {
  const head = bytes[0];
  if (head === undefined || head <= 0x90 || head > 0x9f) return undefined;
  const w = walk.start(bytes, 'msgpack');
  w.pos = 1;
  const ends: number[] = [];
  try {
    for (let items = head & 0x0f; items > 0; items--) {
      do {
        w.need(1);
        const b = bytes[w.pos++];
        if (b <= 0x7f || b >= 0xe0) w.noKey('an integer');
        else if (b <= 0x8f) {
          w.noKey('a dictionary');
          if ((b & 0x0f) > 0) {
            w.open((b & 0x0f) * 2, true);
            continue;
          }
        } else if (b <= 0x9f) {
          w.noKey('a list');
          if ((b & 0x0f) > 0) {
            w.open(b & 0x0f, false);
            continue;
          }
        } else if (b <= 0xbf || (b >= 0xd9 && b <= 0xdb)) {
          // The string's bytes start after its length (str8 / 16 / 32: 1, 2 or 4 bytes).
          const start = b <= 0xbf ? w.pos : w.pos + (1 << (b - 0xd9));
          if (!readMsgpackString(w, b) || !isUtf8Range(bytes, start, w.pos)) {
            w.finish();
            return undefined;
          }
        } else if (!readMsgpackHead(w, b)) continue;
        w.itemDone();
      } while (w.depth > 0);
      ends.push(w.pos);
    }
    w.end();
  } catch (error) {
    if (error instanceof ProtocolError) return undefined;
    throw error;
  }
  return ends;
}

/** A str item of head byte `b` (fixstr, str8 / 16 / 32), read by the walk: true when read. */
function readMsgpackString(w: Walk, b: number): boolean {
  if (b <= 0xbf) {
    w.string(b & 0x1f);
    return true;
  }
  return readMsgpackHead(w, b);
}

/** Refuses what is not UTF-8 (in the browser bundle too, which has no `isUtf8`). */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether `bytes[start..end)` is UTF-8: ASCII by a loop, anything else by a strict decode. */
function isUtf8Range(bytes: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if (bytes[i]! < 0x80) continue;
    try {
      strictUtf8.decode(bytes.subarray(start, end));
      return true;
    } catch {
      return false;
    }
  }
  return true;
}

/** Reads the item of head byte 0xc0..0xdf; false when it opened a non-empty container. */
function readMsgpackHead(w: Walk, b: number): boolean {
  const bytes = w.bytes;
  switch (b) {
    case 0xc0:
      w.noKey('null');
      return true;
    case 0xc2:
    case 0xc3:
      w.noKey('a boolean');
      return true;
    case 0xc4:
    case 0xc5:
    case 0xc6: {
      w.noKey('bytes');
      const size = 1 << (b - 0xc4);
      w.need(size);
      const length = readUint(bytes, w.pos, size);
      w.pos += size;
      w.need(length);
      w.pos += length;
      return true;
    }
    case 0xca:
    case 0xcb:
    case 0xcc:
    case 0xcd:
    case 0xce:
    case 0xcf:
    case 0xd0:
    case 0xd1:
    case 0xd2:
    case 0xd3: {
      w.noKey('a number');
      const size = b === 0xca ? 4 : b === 0xcb ? 8 : 1 << ((b - 0xcc) & 3);
      w.need(size);
      w.pos += size;
      return true;
    }
    case 0xd9:
    case 0xda:
    case 0xdb: {
      const size = 1 << (b - 0xd9);
      w.need(size);
      const length = readUint(bytes, w.pos, size);
      w.pos += size;
      w.string(length);
      return true;
    }
    case 0xdc:
    case 0xdd:
    case 0xde:
    case 0xdf: {
      const map = b >= 0xde;
      w.noKey(map ? 'a dictionary' : 'a list');
      const size = (b & 1) === 0 ? 2 : 4;
      w.need(size);
      const items = readUint(bytes, w.pos, size) * (map ? 2 : 1);
      w.pos += size;
      if (items === 0) return true;
      w.open(items, map);
      return false;
    }
    case 0xc1:
      return w.fail('the never-used byte 0xc1');
    default:
      // 0xc7..0xc9 and 0xd4..0xd8: ext / fixext.
      return w.fail(`an extension type (0x${b.toString(16)}), outside WAMP's data model`);
  }
}

/** CBOR major types (the top 3 bits of a head). */
const UINT = 0;
const NINT = 1;
const BYTES = 2;
const TEXT = 3;
const ARRAY = 4;
const MAP = 5;
const TAG = 6;
const SIMPLE = 7;
const INDEFINITE = 31;
/** RFC 8746: a uint8 typed array; over a byte string it is plain bytes. */
const UINT8_ARRAY_TAG = 64;

/** Throws ProtocolError unless `bytes` is one CBOR document within WAMP's data model. */
export function checkCbor(bytes: Buffer): void {
  const w = walk.start(bytes, 'cbor');
  do {
    w.need(1);
    const head = bytes[w.pos++];
    const major = head >> 5;
    const info = head & 0x1f;
    if (head === 0xff) {
      // "break": ends the innermost indefinite-length container.
      if (!w.inIndefinite()) w.fail('a "break" outside an indefinite-length item');
      if (w.awaitsValue()) w.fail('a dictionary key without a value');
      w.pop();
      w.itemDone();
      continue;
    }
    if (major === TAG) {
      const tag = readArgument(w, info);
      // RFC 8746 tag 64 over a byte string is bytes, as autobahn-js (node-cbor) sends a Uint8Array.
      w.need(1);
      const next = bytes[w.pos];
      if (tag !== UINT8_ARRAY_TAG || next >> 5 !== BYTES || (next & 0x1f) === INDEFINITE) {
        w.fail(`tag ${tag}, outside WAMP's data model`);
      }
      continue;
    }
    if (major === SIMPLE) {
      readCborSimple(w, info);
      w.itemDone();
      continue;
    }
    if (info === INDEFINITE) {
      if (major === UINT || major === NINT) w.fail('an indefinite-length integer');
      // cbor-x cannot read them either; no WAMP peer we know writes them.
      if (major === BYTES || major === TEXT) w.fail('an indefinite-length string');
      w.noKey(major === MAP ? 'a dictionary' : 'a list');
      w.open(-1, major === MAP);
      continue;
    }
    const argument = readArgument(w, info);
    switch (major) {
      case UINT:
      case NINT:
        w.noKey('an integer');
        break;
      case BYTES:
        w.noKey('bytes');
        w.need(argument);
        w.pos += argument;
        break;
      case TEXT:
        w.string(argument);
        break;
      case ARRAY:
      case MAP: {
        w.noKey(major === MAP ? 'a dictionary' : 'a list');
        const items = major === MAP ? argument * 2 : argument;
        if (items > 0) {
          w.open(items, major === MAP);
          continue;
        }
        break;
      }
    }
    w.itemDone();
  } while (w.depth > 0);
  w.end();
}

// false, true, null, undefined (sent for JavaScript's undefined by some peers), and floats.
function readCborSimple(w: Walk, info: number): void {
  if (info >= 20 && info <= 23) {
    w.noKey(info <= 21 ? 'a boolean' : 'null');
    return;
  }
  if (info >= 25 && info <= 27) {
    w.noKey('a number');
    const size = 1 << (info - 24);
    w.need(size);
    w.pos += size;
    return;
  }
  w.fail(`simple value ${info === 24 ? 'of one byte' : info}, outside WAMP's data model`);
}

/** The head's argument: the value of `info` itself, or the 1, 2, 4 or 8 bytes after it. */
function readArgument(w: Walk, info: number): number {
  if (info < 24) return info;
  if (info > 27) w.fail(`reserved additional information ${info}`);
  const size = 1 << (info - 24);
  w.need(size);
  const value = readUint(w.bytes, w.pos, size);
  w.pos += size;
  return value;
}

/** A big-endian unsigned integer of 1, 2, 4 or 8 bytes (8-byte values beyond 2^53 lose precision, which only lengths use). */
function readUint(bytes: Buffer, pos: number, size: number): number {
  switch (size) {
    case 1:
      return bytes[pos];
    case 2:
      return bytes.readUInt16BE(pos);
    case 4:
      return bytes.readUInt32BE(pos);
    default:
      return bytes.readUInt32BE(pos) * 2 ** 32 + bytes.readUInt32BE(pos + 4);
  }
}
