import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { Rpc, Service, WampError } from '../../src';
import { runServices, type TestSystem } from '../../src/testing';
import {
  buildBrowserBundle,
  CHROMIUM_TIMEOUT,
  launchChromium,
  servePages,
  type BrowserBundle,
  type Chromium,
  type PageServer,
} from '../helpers/chromium';

/** `fs`, `node:fs`, `fs/promises`...: every name Node resolves to a built-in module. */
const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const isBuiltin = (path: string) => path.startsWith('node:') || NODE_BUILTINS.has(path.split('/')[0]);

let bundle: BrowserBundle;

beforeAll(async () => {
  bundle = await buildBrowserBundle();
}, CHROMIUM_TIMEOUT);

afterAll(() => bundle?.remove());

describe('the browser bundle', () => {
  it('bundles no Node built-in module and imports nothing from outside', () => {
    const inputs = Object.entries(bundle.metafile.inputs);
    expect(inputs.length).toBeGreaterThan(20);
    for (const [path, input] of inputs) {
      expect({ path, builtin: isBuiltin(path) }).toEqual({ path, builtin: false });
      for (const imported of input.imports) {
        expect({ from: path, imported: imported.path, builtin: isBuiltin(imported.path) }).toEqual({
          from: path,
          imported: imported.path,
          builtin: false,
        });
        // esbuild lists the injected Buffer module (src/browser/buffer.ts) as an import of each file.
        const bundled = inputs.some(([input]) => input === relative(process.cwd(), imported.path));
        expect({
          from: path,
          imported: imported.path,
          external: (imported.external ?? false) && !bundled,
        }).toEqual({
          from: path,
          imported: imported.path,
          external: false,
        });
      }
    }
  });

  it('takes the browser modules in place of the Node ones', () => {
    const paths = Object.keys(bundle.metafile.inputs);
    expect(paths).toContain('src/browser/auth-crypto.ts');
    expect(paths).not.toContain('src/client/auth-crypto.ts');
    expect(paths).toContain('node_modules/events/events.js');
    expect(paths).toContain('node_modules/pino/browser.js');
    expect(paths).toContain('node_modules/buffer/index.js');
    // The Node WebSocket transport (ws) and everything of the router and the services stay out.
    for (const path of paths)
      expect(path).not.toMatch(/^(node_modules\/ws\/|src\/(router|service|transport\/websocket\/client))/);
    // The serializers: json, msgpack and cbor.
    expect(paths).toEqual(
      expect.arrayContaining(['src/protocol/serializers/msgpack.ts', 'src/protocol/serializers/cbor.ts']),
    );
  });

  it('reports its sizes, raw and gzip, the minified one smaller', () => {
    const [readable, minified] = bundle.sizes;
    expect(readable.file).toMatch(/wservice\.js$/);
    expect(minified.file).toMatch(/wservice\.min\.js$/);
    expect(minified.bytes).toBeLessThan(readable.bytes);
    for (const size of bundle.sizes) expect(size.gzip).toBeLessThan(size.bytes);
  });
});

@Service('greeter')
class GreeterService {
  @Rpc()
  hello(name: string): string {
    if (name === '') throw new WampError('greeter.error.empty_name');
    return `Hello ${name}!`;
  }
}

describe('the bundle in Chromium', () => {
  let chromium: Chromium;
  let pages: PageServer;
  let system: TestSystem;

  beforeAll(async () => {
    [chromium, system] = await Promise.all([launchChromium(), runServices([GreeterService])]);
    pages = await servePages({
      ...bundle.routes,
      '/': '<!doctype html><title>bundle</title>',
      '/greet.mjs': { file: join(__dirname, '..', '..', 'docs', 'snippets', 'browser', 'greet.mjs') },
    });
  }, CHROMIUM_TIMEOUT);

  afterAll(async () => {
    await pages?.close();
    await system?.stop();
    await chromium?.close();
  });

  it(
    'runs the docs sample: a page calls a service through a proxy, and reads a refusal',
    async () => {
      const tab = await chromium.open(`${pages.origin}/`);
      const answers = await tab.run<string[]>(`
      const { greet } = await import('/greet.mjs');
      return [await greet(${JSON.stringify(system.url)}, 'Ada'), await greet(${JSON.stringify(system.url)}, '')];
    `);
      expect(answers).toEqual(['Hello Ada!', 'refused: greeter.error.empty_name']);
      expect(tab.errors).toEqual([]);
      await tab.page.close();
    },
    CHROMIUM_TIMEOUT,
  );

  it.each(['wservice.js', 'wservice.min.js'])(
    'loads %s as an ES module with the whole API',
    async (file) => {
      const tab = await chromium.open(`${pages.origin}/`);
      const names = await tab.run<string[]>(`return Object.keys(await import('/${file}'));`);
      expect(names).toEqual(
        expect.arrayContaining([
          'connect',
          'Client',
          'Connection',
          'RemoteError',
          'WampError',
          'connectBrowserWebSocket',
        ]),
      );
      expect(tab.errors).toEqual([]);
      await tab.page.close();
    },
    CHROMIUM_TIMEOUT,
  );
});
