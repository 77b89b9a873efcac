/**
 * Node's `Buffer` for the browser bundle (the `buffer` package), which esbuild injects where
 * the serializers name the global: they build byte strings and base64 with it.
 */
export { Buffer } from 'buffer';
