import { MessageType } from '../../src/protocol/messages';
import type { Serializer } from '../../src/protocol/serializer';
import { SERIALIZERS } from '../../src/protocol/serializers';

/**
 * Counts how often the router process serializes an EVENT, by wrapping the shared serializer
 * objects every transport uses. A broker that encodes each publication once per serializer
 * serializes it once, whatever the number of subscribers. The wrappers are installed by
 * `start` and taken off by `stop`, so the measured windows run the router's own serializers
 * (the wrapper is a call and a check on every message the router writes).
 */
export function countEventEncodes(): { start(): void; stop(): number } {
  let count = 0;
  const originals = new Map<Serializer, Serializer['serialize']>();
  return {
    start: () => {
      count = 0;
      for (const serializer of SERIALIZERS) {
        if (originals.has(serializer)) continue;
        const serialize = serializer.serialize;
        originals.set(serializer, serialize);
        (serializer as { serialize: typeof serialize }).serialize = (message) => {
          if (message[0] === MessageType.EVENT) count++;
          return serialize.call(serializer, message);
        };
      }
    },
    stop: () => {
      for (const [serializer, serialize] of originals) {
        (serializer as { serialize: typeof serialize }).serialize = serialize;
      }
      originals.clear();
      return count;
    },
  };
}
