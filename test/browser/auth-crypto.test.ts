import * as browserCrypto from '../../src/browser/auth-crypto';
import * as nodeCrypto from '../../src/client/auth-crypto';
import { createChallenge } from '../../src/protocol/auth/wampcra';

/**
 * The bundle's WebCrypto signer against Node's: the same signatures for plain and salted
 * secrets, the same refusals. Node has WebCrypto too (`globalThis.crypto.subtle`), so this
 * runs here; the Chromium tests sign in with it against the router.
 */
const challenge = createChallenge({ authid: 'erin', authprovider: 'static', session: 42 });

describe('wampcra on WebCrypto (the browser bundle)', () => {
  it.each([
    { name: 'a plain secret', extra: { challenge } },
    { name: 'a salted secret', extra: { challenge, salt: 'salt123', iterations: 100, keylen: 16 } },
    { name: 'a salted secret with the defaults', extra: { challenge, salt: 'pepper' } },
  ])('signs as Node does: $name', async ({ extra }) => {
    const expected = await nodeCrypto.wampcraSignature('s3cret ünïcode', extra);
    expect(await browserCrypto.wampcraSignature('s3cret ünïcode', extra)).toBe(expected);
  });

  it.each([
    { extra: {}, error: TypeError },
    { extra: { challenge, salt: 7 }, error: TypeError },
    { extra: { challenge, salt: 's', iterations: 1e9 }, error: RangeError },
    { extra: { challenge, salt: 's', keylen: 0 }, error: RangeError },
  ])('refuses what Node refuses: %j', async ({ extra, error }) => {
    expect(() => nodeCrypto.wampcraSignature('secret', extra)).toThrow(error);
    await expect(browserCrypto.wampcraSignature('secret', extra)).rejects.toThrow(error);
  });

  it('says that cryptosign is not in the bundle, and what to use', () => {
    expect(() => browserCrypto.cryptosignSigner('00'.repeat(32))).toThrow(
      /cryptosign .* not available in the browser bundle: use ticket, wampcra/,
    );
  });
});
