import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { connect, type Client } from '../../src/client';
import { assertBuilt, killStarted, ROOT, startCli, type Running } from '../cli/helpers/cli';

/**
 * docs/web.md's dashboard in real headless Chromium (Debian's `chromium`, driven by
 * puppeteer-core): `wservice run examples/shop/services --dashboard` serves it; the page joins
 * the realm, lists the shop's procedures with their signatures, calls one from its form, and
 * its charts move under traffic. It saves the screenshot docs/web.md shows (with WSERVICE_UPDATE_SCREENSHOTS=1).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * Where the screenshot goes: docs/img/dashboard.png only when WSERVICE_UPDATE_SCREENSHOTS=1
 * (run it so when the page changes), else a temporary file, so a test run leaves the tree as it was.
 */
const SCREENSHOT =
  process.env.WSERVICE_UPDATE_SCREENSHOTS === '1'
    ? join(ROOT, 'docs', 'img', 'dashboard.png')
    : join(tmpdir(), `wservice-dashboard-${process.pid}.png`);

/**
 * The shop's embedded router with one principal, ada (ticket), whose role may call and
 * subscribe to anything; the services join anonymously, as role services.
 */
const CONFIG = `router:
  embedded:
    listeners: [{ type: websocket, host: 127.0.0.1, port: 0, path: /ws }]
    realms:
      - name: realm1
        roles:
          - name: ops
            permissions: [{ uri: '', match: prefix, allow: { call: true, subscribe: true } }]
          - name: services
            permissions:
              - { uri: '', match: prefix, allow: { call: true, register: true, subscribe: true, publish: true } }
    auth:
      anonymous: { role: services }
      ticket: { principals: { ada: { ticket: ada-s3cret, role: ops } } }
`;

async function openPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(String(err)));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  (page as Page & { problems: string[] }).problems = problems;
  await page.goto(url);
  return page;
}

const problemsOf = (page: Page): string[] => (page as Page & { problems: string[] }).problems;

describe('the live dashboard in headless Chromium, served by wservice run --dashboard', () => {
  let run: Running;
  let browser: Browser;
  let client: Client;
  let dashboard: string;
  const dir = mkdtempSync(join(tmpdir(), 'wservice-dashboard-'));

  beforeAll(async () => {
    assertBuilt();
    writeFileSync(join(dir, 'wservice.config.yaml'), CONFIG);
    run = startCli([
      'run',
      'examples/shop/services',
      '--dashboard',
      '--config',
      join(dir, 'wservice.config.yaml'),
      '--log-level',
      'warn',
    ]);
    await run.waitFor('stdout', 'Ctrl-C to stop');
    dashboard = /^dashboard (http:\/\/127\.0\.0\.1:\d+\/dashboard\/)$/m.exec(run.stdout())![1];
    const router = /on (ws:\/\/127\.0\.0\.1:\d+\/ws)/.exec(run.stdout())![1];
    client = await connect({ url: router, authid: 'ada', ticket: 'ada-s3cret', reconnect: false });
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await client?.close();
    killStarted();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists the shop's procedures with their signatures, calls one from its form, and charts traffic", async () => {
    const page = await openPage(browser, dashboard);
    await page.select('#login select[name=authmethod]', 'ticket');
    await page.type('#login input[name=authid]', 'ada');
    await page.type('#login input[name=secret]', 'ada-s3cret');
    await page.click('#login button[type=submit]');
    await page.waitForSelector('[data-procedure="orders.place"]');

    // Every procedure of the shop's contracts, as wservice.describe answers them.
    const described = await client.call<{
      services: Record<string, { procedures: Record<string, unknown> }>;
    }>('wservice.describe');
    const expected = Object.values(described.services).flatMap((s) => Object.keys(s.procedures));
    const listed = await page.$$eval('[data-procedure]', (nodes) =>
      nodes.map((n) => n.getAttribute('data-procedure')),
    );
    expect(listed.sort()).toEqual(expected.sort());
    expect(listed).toEqual(
      expect.arrayContaining(['orders.place', 'inventory.available', 'payments.charge']),
    );
    const signature = await page.$eval(
      '[data-procedure="orders.place"] .signature',
      (node) => node.textContent,
    );
    expect(signature).toBe('place(sku: string, quantity?: number): { id, sku, quantity, total, receipt }');
    const instances = await page.$eval('[data-service="inventory"] h3', (node) => node.textContent);
    expect(instances).toBe('inventory 1 instance');

    // A call from the form: its answer is what the procedure returns to any caller.
    const form = '[data-procedure="inventory.available"] form';
    await page.type(`${form} input[name=sku]`, 'apple');
    await page.click(`${form} button`);
    await page.waitForSelector(`${form} .result.ok`);
    const answer = await page.$eval(`${form} .result`, (node) => node.textContent);
    expect(JSON.parse(answer!)).toBe(await client.call('inventory.available', ['apple']));

    // An error from the form shows its URI.
    const reserve = '[data-procedure="inventory.reserve"] form';
    await page.type(`${reserve} input[name=sku]`, 'fig');
    await page.type(`${reserve} input[name=quantity]`, '1000');
    await page.click(`${reserve} button`);
    await page.waitForSelector(`${reserve} .result.failed`);
    expect(await page.$eval(`${reserve} .result`, (node) => node.textContent)).toMatch(/^inventory\.error\./);

    // Traffic moves the calls chart of the procedure called, and only what was called.
    const calls = '[data-procedure="inventory.available"] .chart[data-metric="calls"]';
    const deadline = Date.now() + 30_000;
    const chartOf = (selector: string) =>
      page.$eval(selector, (node) => ({
        max: Number(node.getAttribute('data-max')),
        points: Number(node.getAttribute('data-points')),
      }));
    let moved = 0;
    // Traffic for a few refreshes, so the chart has a line to show (and the screenshot too).
    while (Date.now() < deadline) {
      await Promise.all(Array.from({ length: 50 }, () => client.call('inventory.available', ['pear'])));
      const seen = await chartOf(calls);
      moved = seen.max;
      if (moved > 20 && seen.points >= 5) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(moved).toBeGreaterThan(20);
    const latency = '[data-procedure="inventory.available"] .chart[data-metric="latency"]';
    expect(Number(await page.$eval(latency, (node) => node.getAttribute('data-max')))).toBeGreaterThan(0);
    const idle = '[data-procedure="notifications.outbox"] .chart[data-metric="calls"]';
    expect(Number(await page.$eval(idle, (node) => node.getAttribute('data-max')))).toBe(0);

    // Sessions and subscriptions come from the meta API: the page and the test's client are ada's.
    const authids = await page.$$eval('#sessions td:nth-child(2)', (cells) =>
      cells.map((c) => c.textContent),
    );
    expect(authids.filter((a) => a === 'ada')).toHaveLength(2);
    expect(authids.length).toBeGreaterThanOrEqual(6); // and one per service instance
    const topics = await page.$$eval('#subscriptions td:first-child', (nodes) =>
      nodes.map((n) => n.textContent),
    );
    // inventory's broadcast subscription (notifications' pool delivery of orders.placed is a registration).
    expect(topics).toContain('orders.cancelled');
    expect(problemsOf(page)).toEqual([]);

    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    // A PNG file: its eight-byte signature.
    expect(readFileSync(SCREENSHOT).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  }, 60_000);

  it('shows a section the role may not read as refused: anonymous on the default realm', async () => {
    const plain = startCli([
      'run',
      'examples/shop/services',
      '--dashboard',
      '--port',
      '0',
      '--log-level',
      'warn',
    ]);
    await plain.waitFor('stdout', 'Ctrl-C to stop');
    const url = /^dashboard (http:\/\/127\.0\.0\.1:\d+\/dashboard\/)$/m.exec(plain.stdout())![1];
    const page = await openPage(browser, url);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#sessions .refused');
    expect(await page.$eval('#sessions .refused', (node) => node.textContent)).toMatch(
      /^wamp\.error\.not_authorized: .*wamp\.session\.list/,
    );
    await page.waitForSelector('[data-procedure="orders.place"]');
    await page.close();
    plain.child.kill('SIGTERM');
    await plain.exited;
  }, 30_000);

  it('is not served without --dashboard', async () => {
    const plain = startCli(['run', 'examples/shop/services', '--port', '0', '--log-level', 'warn']);
    await plain.waitFor('stdout', 'Ctrl-C to stop');
    expect(plain.stdout()).not.toMatch(/^dashboard /m);
    const router = /on ws:\/\/(127\.0\.0\.1:\d+)\/ws/.exec(plain.stdout())![1];
    expect((await fetch(`http://${router}/dashboard/`)).status).toBe(404);
    plain.child.kill('SIGTERM');
    await plain.exited;
  }, 30_000);
});
