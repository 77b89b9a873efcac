import { build, transform } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rpc, Service, type Client } from '../../src';
import { wampcra } from '../../src/protocol';
import { runServices, startTestRouter, type TestRouter, type TestSystem } from '../../src/testing';
import { InventoryService } from '../../examples/shop/services/inventory.service';
import { NotificationsService } from '../../examples/shop/services/notifications.service';
import { OrdersService } from '../../examples/shop/services/orders.service';
import { PaymentsService } from '../../examples/shop/services/payments.service';
import {
  buildBrowserBundle,
  CHROMIUM_TIMEOUT,
  launchChromium,
  servePages,
  type BrowserBundle,
  type BrowserTab,
  type Chromium,
  type PageServer,
} from '../helpers/chromium';

/**
 * The browser bundle in headless Chromium against our router: a page connects over the
 * browser's own WebSocket with each serializer, calls, receives progressive results and
 * events, signs in with WAMP-CRA on WebCrypto, is refused by an Origin policy that does not
 * name it, and uses the typed client `wservice codegen` wrote for the shop.
 */

@Service('counter')
class CounterService {
  /** Progressive results: 0..n-1, then the final result. */
  @Rpc()
  async *count(n: number): AsyncGenerator<number, string> {
    for (let i = 0; i < n; i++) yield i;
    return `counted ${n}`;
  }

  @Rpc()
  echo(value: unknown): unknown {
    return value;
  }
}

const ROOT = join(__dirname, '..', '..');
const js = (value: unknown) => JSON.stringify(value);

let bundle: BrowserBundle;
let chromium: Chromium;
let pages: PageServer;

beforeAll(async () => {
  [bundle, chromium] = await Promise.all([buildBrowserBundle(), launchChromium()]);
  // The generated shop client, TypeScript stripped (it imports nothing).
  const generated = readFileSync(join(ROOT, 'examples/shop/clients/generated/shop-client.ts'), 'utf8');
  const shopClient = (await transform(generated, { loader: 'ts', format: 'esm' })).code;
  // The docs' typed page module: the generated client bundled in, wservice/browser left to the
  // page's import map.
  const typed = await build({
    entryPoints: [join(ROOT, 'docs/snippets/browser/typed-orders.ts')],
    bundle: true,
    format: 'esm',
    external: ['wservice/browser'],
    write: false,
    logLevel: 'silent',
  });
  pages = await servePages({
    ...bundle.routes,
    '/': '<!doctype html><title>wservice in Chromium</title>',
    '/shop-client.js': shopClient,
    '/typed-orders.js': typed.outputFiles[0].text,
    '/typed.html': `<!doctype html><title>typed</title>
      <script type="importmap">{ "imports": { "wservice/browser": "/wservice.min.js" } }</script>`,
  });
}, CHROMIUM_TIMEOUT);

afterAll(async () => {
  await pages?.close();
  await chromium?.close();
  bundle?.remove();
});

/** A tab with the bundle imported as `globalThis.wservice`. */
async function openTab(): Promise<BrowserTab> {
  const tab = await chromium.open(`${pages.origin}/`);
  await tab.run(`globalThis.wservice = await import('/wservice.min.js');`);
  return tab;
}

describe('a page on our router', () => {
  let system: TestSystem;
  let tab: BrowserTab;

  beforeAll(async () => {
    system = await runServices([CounterService]);
  }, CHROMIUM_TIMEOUT);

  afterAll(async () => {
    await system?.stop();
  });

  beforeEach(async () => {
    tab = await openTab();
  }, CHROMIUM_TIMEOUT);

  afterEach(async () => {
    await tab.run(`await globalThis.client?.close();`);
    expect(tab.errors).toEqual([]);
    await tab.page.close();
  });

  it.each(['json', 'msgpack', 'cbor'])(
    'connects with %s, calls, and gets progressive results and bytes back',
    async (serializer) => {
      const seen = await tab.run<{
        serializer: string;
        echoed: unknown;
        progress: unknown[];
        result: unknown;
        bytes: { isBytes: boolean; values: number[] };
      }>(`
        let serializer;
        globalThis.client = await wservice.connect({
          url: ${js(system.url)},
          serializer: ${js(serializer)},
          onConnect: (transport) => { serializer = transport.serializer.name; },
        });
        const echoed = await client.call('counter.echo', [{ text: 'héllo', n: 2 ** 40, list: [1, null, true] }]);
        const progress = [];
        const result = await client.call('counter.count', [3], {}, {
          onProgress: (p) => progress.push(p.args[0]),
        });
        const bytes = await client.call('counter.echo', [new Uint8Array([0, 1, 2, 255])]);
        return {
          serializer, echoed, progress, result,
          bytes: { isBytes: bytes instanceof Uint8Array, values: Array.from(bytes) },
        };
      `);
      expect(seen).toEqual({
        serializer,
        echoed: { text: 'héllo', n: 2 ** 40, list: [1, null, true] },
        progress: [0, 1, 2],
        result: 'counted 3',
        bytes: { isBytes: true, values: [0, 1, 2, 255] },
      });
    },
    CHROMIUM_TIMEOUT,
  );

  it(
    'subscribes and receives the events a service publishes, in order',
    async () => {
      await tab.run(`
      globalThis.events = [];
      globalThis.client = await wservice.connect(${js(system.url)});
      await client.subscribe('counter.ticks', (args, kwargs) => events.push({ args, kwargs }));
    `);
      for (let i = 0; i < 3; i++) {
        await system.client.publish('counter.ticks', [i], { from: 'node' }, { acknowledge: true });
      }
      await tab.page.waitForFunction('globalThis.events.length === 3');
      expect(await tab.run('return globalThis.events;')).toEqual(
        [0, 1, 2].map((i) => ({ args: [i], kwargs: { from: 'node' } })),
      );
    },
    CHROMIUM_TIMEOUT,
  );

  it(
    'answers a refused call with a RemoteError carrying its URI',
    async () => {
      const refusal = await tab.run(`
      globalThis.client = await wservice.connect(${js(system.url)});
      try {
        await client.call('counter.missing');
        return 'answered';
      } catch (err) {
        return { remote: err instanceof wservice.RemoteError, uri: err.uri };
      }
    `);
      expect(refusal).toEqual({ remote: true, uri: 'wamp.error.no_such_procedure' });
    },
    CHROMIUM_TIMEOUT,
  );
});

describe("the router's Origin policy, as a browser meets it", () => {
  let router: TestRouter;
  let tab: BrowserTab;

  const listener = (allowedOrigins: string[]) => ({
    listeners: [{ type: 'websocket' as const, host: '127.0.0.1', port: 0, path: '/ws', allowedOrigins }],
  });

  afterEach(async () => {
    await tab?.page.close();
    await router?.stop();
  });

  it(
    'refuses a page whose Origin the listener does not allow (the browser sends it)',
    async () => {
      router = await startTestRouter(listener(['https://app.example.com']));
      tab = await openTab();
      const outcome = await tab.run(`
      try {
        await wservice.connect({ url: ${js(router.url)}, reconnect: false });
        return 'joined';
      } catch (err) {
        return { transport: err instanceof wservice.TransportError, code: err.code };
      }
    `);
      expect(outcome).toEqual({ transport: true, code: 'CONNECT_FAILED' });
      // Clients without an Origin are always let in: Node's client joins the same listener.
      const { connect } = await import('../../src');
      const node: Client = await connect({ url: router.url, reconnect: false });
      await node.close();
    },
    CHROMIUM_TIMEOUT,
  );

  it(
    'admits the page once allowedOrigins names it',
    async () => {
      router = await startTestRouter(listener([pages.origin]));
      tab = await openTab();
      const joined = await tab.run(`
      const client = await wservice.connect({ url: ${js(router.url)}, reconnect: false });
      const id = client.session.id;
      await client.close();
      return typeof id;
    `);
      expect(joined).toBe('number');
    },
    CHROMIUM_TIMEOUT,
  );
});

describe('credentials from a page', () => {
  let router: TestRouter;
  let tab: BrowserTab;

  beforeAll(async () => {
    router = await startTestRouter({
      listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0, path: '/ws' }],
      auth: {
        ticket: { principals: { alice: { ticket: 'alice-ticket', role: 'user' } } },
        wampcra: {
          users: {
            plain: { secret: 'plain-secret', role: 'user' },
            salted: { secret: 'salted-secret', role: 'admin', salt: 'salt123', iterations: 100, keylen: 16 },
            derived: {
              key: wampcra.deriveKey('hidden', 'pepper', 50, 32),
              salt: 'pepper',
              iterations: 50,
              keylen: 32,
              role: 'user',
            },
          },
        },
      },
    });
  }, CHROMIUM_TIMEOUT);

  afterAll(async () => {
    await tab?.page.close();
    await router?.stop();
  });

  it(
    'signs in with a ticket and with WAMP-CRA (WebCrypto), plain and salted; a wrong secret is refused',
    async () => {
      tab = await openTab();
      const sessions = await tab.run(`
      const join = async (options) => {
        try {
          const client = await wservice.connect({ url: ${js(router.url)}, reconnect: false, ...options });
          const { authid, authrole, authmethod } = client.session.details;
          await client.close();
          return { authid, authrole, authmethod };
        } catch (err) {
          return { refused: err.uri ?? err.message };
        }
      };
      return [
        await join({ authid: 'alice', ticket: 'alice-ticket' }),
        await join({ authid: 'plain', secret: 'plain-secret' }),
        await join({ authid: 'salted', secret: 'salted-secret' }),
        await join({ authid: 'derived', secret: 'hidden' }),
        await join({ authid: 'salted', secret: 'wrong' }),
      ];
    `);
      expect(sessions).toEqual([
        { authid: 'alice', authrole: 'user', authmethod: 'ticket' },
        { authid: 'plain', authrole: 'user', authmethod: 'wampcra' },
        { authid: 'salted', authrole: 'admin', authmethod: 'wampcra' },
        { authid: 'derived', authrole: 'user', authmethod: 'wampcra' },
        { refused: 'wamp.error.authentication_failed' },
      ]);
      expect(tab.errors).toEqual([]);
    },
    CHROMIUM_TIMEOUT,
  );
});

describe('the typed client wservice codegen wrote, in a page', () => {
  let system: TestSystem;
  let tab: BrowserTab;

  beforeAll(async () => {
    system = await runServices([InventoryService, PaymentsService, OrdersService, NotificationsService]);
  }, CHROMIUM_TIMEOUT);

  afterAll(async () => {
    await tab?.page.close();
    await system?.stop();
  });

  it(
    'places an order and reads it back through the generated proxies',
    async () => {
      tab = await openTab();
      const seen = await tab.run<{
        placed: { sku: string; quantity: number };
        read: unknown;
        stock: unknown;
      }>(`
      const { ordersService, inventoryService } = await import('/shop-client.js');
      const client = await wservice.connect(${js(system.url)});
      const orders = ordersService(client);
      const placed = await orders.place('apple', 2);
      const read = await orders.get(placed.id);
      const stock = await inventoryService(client).available('apple');
      await client.close();
      return { placed, read: read.id === placed.id, stock };
    `);
      expect(seen.placed).toMatchObject({ sku: 'apple', quantity: 2, total: 4 });
      expect(seen.read).toBe(true);
      expect(seen.stock).toBe(8);
      expect(tab.errors).toEqual([]);
    },
    CHROMIUM_TIMEOUT,
  );

  it(
    'runs the docs sample: a TypeScript module places orders through the generated proxies',
    async () => {
      await tab?.page.close();
      tab = await chromium.open(`${pages.origin}/typed.html`);
      const outcomes = await tab.run(`
      const { placeOrder } = await import('/typed-orders.js');
      return [
        await placeOrder(${js(system.url)}, 'apple', 2),
        await placeOrder(${js(system.url)}, 'pear', 1000),
      ];
    `);
      expect(outcomes).toEqual([
        expect.objectContaining({ sku: 'apple (6 left)', quantity: 2, total: 4 }),
        'inventory.error.out_of_stock',
      ]);
      expect(tab.errors).toEqual([]);
    },
    CHROMIUM_TIMEOUT,
  );
});
