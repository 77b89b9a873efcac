import autobahn from 'autobahn';

/** Opens an autobahn-js session (the reference client) on `url` / `realm`, JSON unless told. */
export function openAutobahn(
  url: string,
  options: { realm?: string; serializer?: 'json' | 'msgpack' | 'cbor' } = {},
): Promise<autobahn.Session> {
  // @types/autobahn does not declare the serializer module autobahn-js exports.
  const { serializer } = autobahn as unknown as { serializer: Record<string, new () => unknown> };
  const serializers = {
    json: () => new serializer.JSONSerializer(),
    msgpack: () => new serializer.MsgpackSerializer(),
    cbor: () => new serializer.CBORSerializer(),
  };
  const connection = new autobahn.Connection({
    url,
    realm: options.realm ?? 'realm1',
    max_retries: 0,
    serializers: [serializers[options.serializer ?? 'json']()],
  } as autobahn.IConnectionOptions);
  return new Promise((resolve, reject) => {
    connection.onopen = (session) => resolve(session);
    connection.onclose = (reason) => {
      reject(new Error(`autobahn could not connect to ${url}: ${reason}`));
      return true;
    };
    connection.open();
  });
}
