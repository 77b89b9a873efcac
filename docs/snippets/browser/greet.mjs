// A web page's module on the browser bundle (docs/web.md), run in Chromium by
// test/browser/bundle.test.ts: the page serves dist/browser/wservice.min.js beside it.
// #region greet
import { connect, RemoteError } from './wservice.min.js';

/** Calls greeter.hello through a typed-style proxy; a refusal comes back as its error URI. */
export async function greet(url, name) {
  const client = await connect({ url, realm: 'realm1' });
  try {
    return await client.proxy('greeter').hello(name);
  } catch (err) {
    if (err instanceof RemoteError) return `refused: ${err.uri}`;
    throw err;
  } finally {
    await client.close();
  }
}
// #endregion
