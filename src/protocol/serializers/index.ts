import type { Serializer, Subprotocol } from '../serializer';
import { jsonSerializer } from './json';

/** Every serializer wservice speaks, in order of preference when offering or choosing. */
export const SERIALIZERS: readonly Serializer[] = [jsonSerializer];

/** The serializer of a WebSocket subprotocol, if we speak it. */
export function serializerForSubprotocol(subprotocol: string): Serializer | undefined {
  return SERIALIZERS.find((s) => s.subprotocol === (subprotocol as Subprotocol));
}

/** The serializer of a RawSocket serializer id (1 json, 2 msgpack, 3 cbor), if we speak it. */
export function serializerForRawSocketId(id: number): Serializer | undefined {
  return SERIALIZERS.find((s) => s.rawSocketId === id);
}

/** The serializer called `name` (`json`, `msgpack`, `cbor`), if we speak it. */
export function serializerByName(name: string): Serializer | undefined {
  return SERIALIZERS.find((s) => s.name === name);
}

export { jsonSerializer };
