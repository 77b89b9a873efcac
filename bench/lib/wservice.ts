import { connect, type Client } from '../../src/client';

/** Which serializer a role's client asks for; RawSocket URLs (`rs://`) use JSON unless told. */
export type SerializerName = 'json' | 'msgpack' | 'cbor';

/** Connects our client to `url` (realm1), without reconnecting: a lost link fails the run. */
export function openClient(args: Record<string, unknown>): Promise<Client> {
  return connect({
    url: String(args.url),
    serializer: args.serializer as SerializerName | undefined,
    reconnect: false,
  });
}
