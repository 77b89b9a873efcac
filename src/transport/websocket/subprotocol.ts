import type { Serializer } from '../../protocol/serializer';
import { TransportError } from '../transport';

/** The WebSocket subprotocols of `serializers`, in their order. Throws when none has one. */
export function subprotocolsOf(serializers: readonly Serializer[]): string[] {
  const names: string[] = [];
  for (const s of serializers) if (s.subprotocol !== undefined) names.push(s.subprotocol);
  if (names.length === 0) {
    throw new TransportError(
      `none of the serializers [${serializers.map((s) => s.name).join(', ')}] has a WebSocket subprotocol`,
    );
  }
  return names;
}

/** The serializer of the subprotocol `name`, if it is among `serializers`. */
export function serializerOfSubprotocol(
  name: string,
  serializers: readonly Serializer[],
): Serializer | undefined {
  return serializers.find((s) => s.subprotocol === name);
}

/**
 * The server's choice: its own most preferred serializer among those the client offered
 * (spec: the server picks one the client offered, or refuses the upgrade).
 */
export function selectSubprotocol(
  offered: ReadonlySet<string>,
  serializers: readonly Serializer[],
): Serializer | undefined {
  return serializers.find((s) => s.subprotocol !== undefined && offered.has(s.subprotocol));
}

/** The names in a `Sec-WebSocket-Protocol` header (comma-separated tokens). */
export function parseSubprotocolHeader(header: string | undefined): Set<string> {
  const names = new Set<string>();
  if (header === undefined) return names;
  for (const token of header.split(',')) {
    const name = token.trim();
    if (name.length > 0) names.add(name);
  }
  return names;
}
