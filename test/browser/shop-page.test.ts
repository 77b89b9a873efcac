import { connect, type Client } from '../../src';
import { assertBuilt, killStarted, startCli, type Running } from '../cli/helpers/cli';
import { CHROMIUM_TIMEOUT, launchChromium, type BrowserTab, type Chromium } from '../helpers/chromium';

/**
 * The shop's web page (examples/shop/web) in Chromium, served by `wservice run
 * examples/shop/services --config examples/shop/web/wservice.config.yaml` (`http.static`): it places an order and shows its progress,
 * and its stock and order list follow the events of every client's orders.
 */
let chromium: Chromium;
let run: Running;
let http: string;
let router: string;

beforeAll(async () => {
  assertBuilt();
  // The page's own configuration (the docs' sample), on free ports.
  run = startCli(
    [
      'run',
      'examples/shop/services',
      '--config',
      'examples/shop/web/wservice.config.yaml',
      '--port',
      '0',
      '--log-level',
      'warn',
    ],
    { env: { HTTP_PORT: '0' } },
  );
  [chromium] = await Promise.all([launchChromium(), run.waitFor('stdout', 'Ctrl-C to stop')]);
  http = /^http (http:\/\/127\.0\.0\.1:\d+)$/m.exec(run.stdout())![1];
  router = /on (ws:\/\/127\.0\.0\.1:\d+\/ws)/.exec(run.stdout())![1];
}, CHROMIUM_TIMEOUT);

afterAll(async () => {
  await chromium?.close();
  killStarted();
});

const text = (tab: BrowserTab, selector: string) =>
  tab.page.$eval(selector, (element) => (element as { textContent: string | null }).textContent ?? '');
const texts = (tab: BrowserTab, selector: string) =>
  tab.page.$$eval(selector, (elements) =>
    elements.map((e) => (e as { textContent: string | null }).textContent ?? ''),
  );

describe('the shop page, served by wservice run', () => {
  let tab: BrowserTab;
  let other: Client;

  beforeAll(async () => {
    tab = await chromium.open(`${http}/?router=${encodeURIComponent(router)}`);
    await tab.page.waitForSelector('#place:not([disabled])');
    other = await connect({ url: router, reconnect: false });
  }, CHROMIUM_TIMEOUT);

  afterAll(async () => {
    await other?.close();
    await tab?.page.close();
  });

  it(
    'shows the stock once connected',
    async () => {
      expect(await text(tab, '#status')).toBe(`connected to ${router}`);
      // fig starts at 0; the inventory's restock timer (every 5 s) may have added some already.
      expect(await texts(tab, '#stock tr')).toEqual(['apple10', 'pear4', expect.stringMatching(/^fig\d+$/)]);
    },
    CHROMIUM_TIMEOUT,
  );

  it(
    'places an order from the form and shows its progress, then the stock moves',
    async () => {
      await tab.page.select('#sku', 'apple');
      await tab.page.$eval('#quantity', (input) => ((input as { value: string }).value = '2'));
      await tab.page.click('#place');
      await tab.page.waitForFunction(
        `document.querySelector('#progress li.done')?.textContent === 'delivered'`,
      );
      expect(await text(tab, '#outcome')).toMatch(/^placed order-\d+, total 4$/);
      expect(await texts(tab, '#progress li')).toEqual([
        'packed',
        'shipped',
        'out for delivery',
        'delivered',
      ]);
      await tab.page.waitForFunction(`document.querySelector('#stock-apple').cells[1].textContent === '8'`);
      expect(await texts(tab, '#orders li')).toEqual([
        expect.stringMatching(/^order-\d+: 2 × apple \(paid 4\)$/),
      ]);
    },
    CHROMIUM_TIMEOUT,
  );

  it(
    "live-updates on another client's order",
    async () => {
      const order = (await other.call('orders.place', ['apple', 3])) as { id: string };
      await tab.page.waitForFunction(`document.querySelector('#stock-apple').cells[1].textContent === '5'`);
      expect((await texts(tab, '#orders li'))[0]).toBe(`${order.id}: 3 × apple (paid 6)`);
    },
    CHROMIUM_TIMEOUT,
  );

  it(
    'shows a refused order with its error URI',
    async () => {
      await tab.page.select('#sku', 'pear');
      await tab.page.$eval('#quantity', (input) => ((input as { value: string }).value = '1000'));
      await tab.page.click('#place');
      await tab.page.waitForSelector('#outcome.error');
      expect(await text(tab, '#outcome')).toBe('refused: inventory.error.out_of_stock');
      expect(tab.errors).toEqual([]);
    },
    CHROMIUM_TIMEOUT,
  );
});
