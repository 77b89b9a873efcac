#!/usr/bin/env node
// Bundles the browser client (src/browser/index.ts) with esbuild into dist/browser/:
// wservice.js (readable), wservice.min.js (minified), each with its source map, meta.json (the
// esbuild metafile of the readable build) and a package.json marking the folder as ESM.
// Prints both sizes, raw and gzip. `require`d by the tests, which build into a folder of
// their own and read the metafile.
'use strict';
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join, dirname, resolve } = require('node:path');
const { gzipSync } = require('node:zlib');
const esbuild = require('esbuild');

const ROOT = join(__dirname, '..');
const ENTRY = join(ROOT, 'src', 'browser', 'index.ts');
const OUT_DIR = join(ROOT, 'dist', 'browser');

/**
 * What the Node code imports that a browser does not have, and what the bundle takes instead.
 * `from` limits a relative request to the files of one folder.
 */
const SWAPS = [
  // The client's credentials on WebCrypto instead of node:crypto.
  { request: './auth-crypto', from: 'src/client', to: join(ROOT, 'src', 'browser', 'auth-crypto.ts') },
  // Connection is an EventEmitter: the `events` package is Node's, for browsers.
  { request: 'node:events', to: require.resolve('events/') },
  // createLogger's `pretty` option (for terminals) loads it lazily.
  { request: 'pino-pretty', to: join(ROOT, 'src', 'browser', 'no-pretty.ts') },
];

const browserSwaps = {
  name: 'wservice-browser-swaps',
  setup(build) {
    const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    const filter = new RegExp(`^(?:${SWAPS.map((s) => escape(s.request)).join('|')})$`);
    build.onResolve({ filter }, (args) => {
      const swap = SWAPS.find(
        (s) =>
          s.request === args.path &&
          (s.from === undefined || resolve(ROOT, s.from) === resolve(args.resolveDir)),
      );
      return swap === undefined ? undefined : { path: swap.to };
    });
  },
};

function options(outfile, minify) {
  return {
    entryPoints: [ENTRY],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify,
    sourcemap: true,
    metafile: true,
    legalComments: 'eof',
    // The serializers use Buffer (bytes, base64): the `buffer` package stands in for it.
    inject: [join(ROOT, 'src', 'browser', 'buffer.ts')],
    plugins: [browserSwaps],
    logLevel: 'warning',
  };
}

function sizeOf(file) {
  const bytes = readFileSync(file);
  return { file, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

/**
 * Builds both bundles into `outDir`; resolves with their sizes and the readable build's
 * metafile (its `inputs` are every module bundled).
 */
async function buildBrowserBundle(outDir = OUT_DIR) {
  mkdirSync(outDir, { recursive: true });
  const readable = join(outDir, 'wservice.js');
  const minified = join(outDir, 'wservice.min.js');
  const [full] = await Promise.all([
    esbuild.build(options(readable, false)),
    esbuild.build(options(minified, true)),
  ]);
  writeFileSync(join(outDir, 'meta.json'), JSON.stringify(full.metafile));
  // The package is CommonJS; this folder holds ES modules.
  writeFileSync(join(outDir, 'package.json'), JSON.stringify({ type: 'module' }) + '\n');
  return { metafile: full.metafile, sizes: [sizeOf(readable), sizeOf(minified)] };
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

if (require.main === module) {
  buildBrowserBundle().then(
    ({ sizes }) => {
      for (const s of sizes) {
        const name = s.file.slice(dirname(OUT_DIR).length + 1);
        console.log(`${name}: ${kib(s.bytes)} (${s.bytes} bytes), gzip ${kib(s.gzip)} (${s.gzip} bytes)`);
      }
    },
    (err) => {
      console.error(err.message);
      process.exitCode = 1;
    },
  );
}

module.exports = { buildBrowserBundle, OUT_DIR };
