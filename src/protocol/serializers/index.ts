import type { Serializer } from '../serializer';
import { cborSerializer } from './cbor';
import { jsonSerializer } from './json';
import { msgpackSerializer } from './msgpack';

/**
 * Every serializer wservice speaks, in order of preference when offering or choosing.
 *
 * JSON first: every WAMP peer implements it (fox-wamp and many small clients speak nothing
 * else), frames are readable in logs and browser tools, and V8's JSON is as fast as the
 * binary libraries for typical payloads. msgpack next: compact, carries bytes natively, and
 * the binary format most peers (autobahn, Crossbar, Bondy, wampy) support. CBOR last: same
 * strengths, fewer peers speak it.
 */
export const SERIALIZERS: readonly Serializer[] = [jsonSerializer, msgpackSerializer, cborSerializer];

/** The serializer called `name` (`json`, `msgpack`, `cbor`), if we speak it. */
export function serializerByName(name: string): Serializer | undefined {
  return SERIALIZERS.find((s) => s.name === name);
}

export { cborSerializer, jsonSerializer, msgpackSerializer };
