import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * Stand-ins for principals that do not exist, so that an unknown authid cannot be told from a
 * known one (issue: no user enumeration). Everything is derived from the authid with a
 * secret key, so the same unknown authid gets the same salt, iterations and key length every
 * time, as a real user would.
 *
 * The key is a hash of the secrets the router is configured with: stable across restarts of
 * the same configuration (a decoy that changed at every restart would give itself away), and
 * unknown to anyone who does not already know those secrets. Without any configured secret it
 * is random.
 */
export class Decoys {
  private readonly key: Buffer;

  constructor(secrets: readonly string[]) {
    this.key =
      secrets.length === 0
        ? randomBytes(32)
        : secrets.reduce((hash, secret) => hash.update(secret).update('\0'), createHash('sha256')).digest();
  }

  /** `length` bytes derived from `authid` for `purpose` (HMAC-SHA256 in counter mode). */
  bytes(purpose: string, authid: string, length: number): Buffer {
    const blocks: Buffer[] = [];
    for (let counter = 0; blocks.length * 32 < length; counter++) {
      blocks.push(createHmac('sha256', this.key).update(`${purpose}\0${counter}\0${authid}`).digest());
    }
    return Buffer.concat(blocks).subarray(0, length);
  }

  /** Text of `length` characters from the base64 alphabet, derived from `authid`. */
  text(purpose: string, authid: string, length: number): string {
    return this.bytes(purpose, authid, Math.ceil((length * 3) / 4) + 3)
      .toString('base64')
      .slice(0, length);
  }

  /** One of `items` (not empty), chosen by `authid`. */
  pick<T>(purpose: string, authid: string, items: readonly T[]): T {
    return items[this.bytes(purpose, authid, 4).readUInt32BE(0) % items.length]!;
  }
}
