import type { Logger } from '../logger';
import type { Serializer } from '../protocol/serializer';
import { serializerByName } from '../protocol/serializers';
import { TransportError } from '../transport/transport';
import type { TransportFactory } from './connection';

/**
 * One transport factory over the factories of several router URLs (`factoryOf` each), tried in
 * turn: each attempt starts with the URL that worked last. Node's `failoverTransport` and the
 * browser bundle's `connect` share it. Throws `TransportError` at once for an empty list.
 */
export function failoverOf(
  urls: readonly string[],
  factoryOf: (url: string) => TransportFactory,
  logger?: Logger,
): TransportFactory {
  if (urls.length === 0) throw new TransportError('no router URL given (an empty list)', 'INVALID_URL');
  const factories = urls.map(factoryOf);
  if (factories.length === 1) return factories[0];
  let current = 0;
  return async () => {
    const failures: string[] = [];
    let last: unknown;
    for (let i = 0; i < factories.length; i += 1) {
      const index = (current + i) % factories.length;
      try {
        const transport = await factories[index]();
        current = index;
        return transport;
      } catch (err) {
        last = err;
        failures.push(`${urls[index]}: ${(err as Error)?.message ?? String(err)}`);
        logger?.debug({ err, url: urls[index] }, 'router unreachable; trying the next URL');
      }
    }
    const code = last instanceof TransportError ? last.code : undefined;
    throw new TransportError(`no router reachable: ${failures.join('; ')}`, code, { cause: last });
  };
}

/** The serializer called `name`, if one is named; throws `TransportError` for an unknown name. */
export function serializerNamed(name: string | undefined): Serializer | undefined {
  if (name === undefined) return undefined;
  const serializer = serializerByName(name);
  if (serializer === undefined) throw new TransportError(`unknown serializer ${name}`, 'INVALID_SERIALIZER');
  return serializer;
}
