import { connect, type Client } from '../../src/client';
import type { Router } from '../../src/router';
import { createInProcessPair } from '../../src/transport/inprocess';

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

/** Connects our client to `router` over an in-process link (no socket, no serialization). */
export function openInProcessClient(router: Router): Promise<Client> {
  return connect({
    reconnect: false,
    transport: async () => {
      const [near, far] = createInProcessPair();
      router.attach(far);
      return near;
    },
  });
}
