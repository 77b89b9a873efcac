import { MessageType } from '../../src/protocol/messages';
import { SERIALIZERS } from '../../src/protocol/serializers';

/**
 * Counts how often the router process serializes an EVENT, by wrapping the shared serializer
 * objects every transport uses. A broker that encodes each publication once per serializer
 * serializes it once, whatever the number of subscribers.
 */
export function countEventEncodes(): { read(): number; reset(): void } {
  let count = 0;
  for (const serializer of SERIALIZERS) {
    const serialize = serializer.serialize.bind(serializer);
    (serializer as { serialize: typeof serialize }).serialize = (message) => {
      if (message[0] === MessageType.EVENT) count++;
      return serialize(message);
    };
  }
  return {
    read: () => count,
    reset: () => {
      count = 0;
    },
  };
}
