import type { Connection } from './connection';

/** One exact registration on the router, as the registration meta API lists it. */
export interface ListedRegistration {
  id: number;
  uri: string;
}

/**
 * Every exact-match registration of the realm with its URI (`wamp.registration.list`, then
 * `wamp.registration.get` for each); those gone between the two calls are left out. Needs a
 * session allowed the meta API.
 */
export async function exactRegistrations(
  connection: Pick<Connection, 'call'>,
): Promise<ListedRegistration[]> {
  const listed = await connection.call('wamp.registration.list');
  const exact = (listed.args[0] as { exact?: unknown } | undefined)?.exact;
  const ids = Array.isArray(exact) ? exact.filter((id): id is number => typeof id === 'number') : [];
  const found = await Promise.all(
    ids.map(async (id) => {
      try {
        const uri = ((await connection.call('wamp.registration.get', [id])).args[0] as { uri?: unknown })
          ?.uri;
        return typeof uri === 'string' ? { id, uri } : undefined;
      } catch {
        return undefined; // unregistered between list and get
      }
    }),
  );
  return found.filter((r): r is ListedRegistration => r !== undefined);
}
