import { connect, type Client } from '../../src/client';
import type { Router } from '../../src/router';
import { createInProcessPair } from '../../src/transport/inprocess';

/**
 * `BENCH_PERMISSIVE=1`: every router the bench starts runs in its development mode (`permissive`:
 * no authorization work per message). Two runs of one tree, with and without it, show what
 * authorizing each CALL and PUBLISH costs every row.
 */
export const BENCH_PERMISSIVE = process.env.BENCH_PERMISSIVE === '1';

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
