import { Decoder, Encoder, type Options } from 'cbor-x';
import type { WireMessage } from '../messages';
import type { Serializer } from '../serializer';
import { binarySerializer } from './binary-frame';
import { checkCbor } from './data-model';
import { narrowIntegers, widenIntegers } from './int64';

/**
 * Plain CBOR that every WAMP peer reads: no records / packing extensions, maps as plain
 * objects (no tag 259), Uint8Array / Buffer as a byte string without typed-array tag 64.
 * `variableMapSize`: the shortest map head, as autobahn-python writes (spec test vectors).
 */
const encodeOptions: Options & { useTag259ForMaps: boolean } = {
  useRecords: false,
  variableMapSize: true,
  mapsAsObjects: true,
  // A Map goes out as a plain CBOR map; cbor-x reads this option but does not declare it.
  useTag259ForMaps: false,
  tagUint8Array: false,
  pack: false,
};
const encoder = new Encoder(encodeOptions);

/** `copyBuffers`: decoded byte strings do not keep the whole frame alive. */
const decoder = new Decoder({ useRecords: false, mapsAsObjects: true, copyBuffers: true });

/** CBOR heads of 8-byte unsigned / negative integers, the only ones cbor-x reads as BigInt. */
const UINT64_HEAD = 0x1b;
const NINT64_HEAD = 0x3b;

/**
 * Wide integers go out as BigInt (cbor-x writes them as 64-bit integers), and `undefined`
 * as null, as JSON and msgpack send it: CBOR's own `undefined` is a simple value that
 * Python's cbor2 hands to applications as a sentinel object.
 */
function encode(message: WireMessage): Uint8Array {
  return encoder.encode(widenIntegers(message, true));
}

/**
 * cbor-x reads every 8-byte integer as BigInt; only then is a walk needed to give Numbers
 * back where they are exact. The byte scan is cheap and may see false positives (the byte
 * inside a string), which cost a walk but never a wrong value.
 */
function decode(bytes: Buffer): unknown {
  // cbor-x decodes tags (dates, regular expressions, sets, shared references...) globally.
  checkCbor(bytes);
  const value: unknown = decoder.decode(bytes);
  const mayHoldInt64 = bytes.includes(UINT64_HEAD) || bytes.includes(NINT64_HEAD);
  return mayHoldInt64 ? narrowIntegers(value) : value;
}

/** `wamp.2.cbor`: binary frames; integers beyond 32 bits as 64-bit integers, never float. */
export const cborSerializer: Serializer = binarySerializer({
  name: 'cbor',
  subprotocol: 'wamp.2.cbor',
  rawSocketId: 3,
  encode,
  decode,
});
