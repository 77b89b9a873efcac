import { Packr, Unpackr, type Options } from 'msgpackr';
import type { WireMessage } from '../messages';
import type { Serializer } from '../serializer';
import { binarySerializer } from './binary-frame';
import { checkMsgpack } from './data-model';
import { widenIntegers } from './int64';

/**
 * Plain MessagePack that every WAMP peer reads: no records / structures extension, maps as
 * plain objects, `undefined` as nil, Uint8Array / Buffer as `bin`. `variableMapSize` writes
 * the smallest map header (fixmap), as autobahn-python does, instead of always map16: the
 * bytes then equal the spec's test vectors and small messages are 2 bytes shorter per map.
 */
const packr = new Packr({
  useRecords: false,
  variableMapSize: true,
  mapsAsObjects: true,
  encodeUndefinedAsNil: true,
  moreTypes: false,
  writeFunction: () => {
    throw new TypeError('a function cannot be serialized');
  },
});

/**
 * `int64AsType: 'auto'`: 64-bit integers come back as Numbers up to |2^53| and as BigInt
 * beyond. `copyBuffers`: decoded byte strings do not keep the whole frame alive.
 */
const unpackr = new Unpackr({
  useRecords: false,
  mapsAsObjects: true,
  // 'auto' is implemented by msgpackr 2.x but missing from its type declarations.
  int64AsType: 'auto' as unknown as Options['int64AsType'],
  copyBuffers: true,
});

/** `wamp.2.msgpack`: binary frames; integers beyond 32 bits as int64 / uint64, never float. */
export const msgpackSerializer: Serializer = binarySerializer({
  name: 'msgpack',
  subprotocol: 'wamp.2.msgpack',
  rawSocketId: 2,
  encode: (message: WireMessage) => packr.pack(widenIntegers(message)),
  decode: (bytes: Buffer): unknown => {
    // msgpackr decodes its extension types (Date, RegExp, Set, Error, records...) globally.
    checkMsgpack(bytes);
    return unpackr.unpack(bytes);
  },
});
