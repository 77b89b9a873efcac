/**
 * The argument of the payload-size rows: order lines as an application sends them (strings,
 * integers, decimals, a nested list), as many as make `bytes` of JSON text. Every row of one
 * size carries the same value; each measures its own frame's bytes, in its own serialization.
 */
export function payloadOf(bytes: number): unknown[] {
  const lines: unknown[] = [];
  let size = 2;
  for (let i = 0; size < bytes; i++) {
    const line = {
      sku: `sku-${String(i).padStart(6, '0')}`,
      qty: (i % 9) + 1,
      price: 12.25 + (i % 100) / 4,
      tags: ['fresh', i % 2 === 0 ? 'fruit' : 'vegetable'],
      note: 'picked at dawn, packed by hand',
    };
    lines.push(line);
    size += JSON.stringify(line).length + 1;
  }
  return lines;
}

/** The sizes of the payload rows, in bytes of JSON text of the argument. */
export const PAYLOAD_SIZES = [64 * 1024, 256 * 1024, 1024 * 1024] as const;
