import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a secret the peer presented with the expected one in constant time. Both sides
 * are hashed first, so neither the content nor the length of the expected secret leaks
 * through timing. Non-strings (untrusted wire values) never match.
 */
export function secretsEqual(expected: string, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  return timingSafeEqual(digest(expected), digest(presented));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
