import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { readYamlFile } from '../../src/config';
import { validateRouterOptions } from '../../src/router';
import { assertBuilt, killStarted, ROOT, startCli } from '../cli/helpers/cli';

/**
 * The dashboard of `wservice router`: the docs' router file (ticket and WAMP-CRA principals
 * of role ops, no anonymous sessions) and `--dashboard` on a plain router; the sign-in form
 * in headless Chromium.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SAMPLE = 'docs/snippets/router-dashboard.yaml';

async function signIn(page: Page, authmethod: string, authid: string, secret: string): Promise<void> {
  await page.select('#login select[name=authmethod]', authmethod);
  for (const field of ['authid', 'secret']) {
    await page.click(`#login input[name=${field}]`, { count: 3 });
    await page.keyboard.press('Backspace');
  }
  await page.type('#login input[name=authid]', authid);
  await page.type('#login input[name=secret]', secret);
  await page.click('#login button[type=submit]');
}

describe('the dashboard of wservice router', () => {
  let browser: Browser;

  beforeAll(async () => {
    assertBuilt();
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    killStarted();
  });

  it('the docs sample is valid router options', () => {
    const options = validateRouterOptions(readYamlFile(join(ROOT, SAMPLE)).value);
    expect(options.listeners?.[0]).toMatchObject({ type: 'websocket', dashboard: true });
  });

  it('refuses a wrong ticket and anonymous, and signs in with a ticket or a salted WAMP-CRA secret', async () => {
    const router = startCli(['router', '--config', SAMPLE, '--port', '0', '--log-level', 'warn']);
    await router.waitFor('stdout', 'Ctrl-C to stop');
    const url = /^dashboard (http:\/\/127\.0\.0\.1:\d+\/dashboard\/)$/m.exec(router.stdout())![1];
    const page = await browser.newPage();
    await page.goto(url);
    await page.click('#login button[type=submit]'); // anonymous: this realm has none
    await page.waitForFunction("document.getElementById('login-error').textContent !== ''");
    expect(await page.$eval('#login-error', (node) => node.textContent)).toMatch(/^wamp\.error\./);

    await signIn(page, 'ticket', 'ada', 'wrong');
    await page.waitForFunction("/authentication/.test(document.getElementById('login-error').textContent)");
    await signIn(page, 'ticket', 'ada', 'ada-s3cret');
    await page.waitForSelector('#sessions table');
    expect(await page.$eval('#who', (node) => node.textContent)).toMatch(/ada \(ops\)$/);
    // ada's session is the only one, and nothing runs yet: no services, no metrics.
    expect(
      await page.$$eval('#sessions td:nth-child(2)', (cells) => cells.map((c) => c.textContent)),
    ).toEqual(['ada']);
    await page.waitForFunction("document.getElementById('metrics-state').textContent !== ''");
    expect(await page.$eval('#metrics-state', (node) => node.textContent)).toMatch(/^no metrics: /);

    const second = await browser.newPage();
    await second.goto(url);
    await signIn(second, 'wampcra', 'grace', 'grace-pw');
    await second.waitForSelector('#sessions table');
    expect(await second.$eval('#who', (node) => node.textContent)).toMatch(/grace \(ops\)$/);
    await second.close();
    await page.close();
    router.child.kill('SIGTERM');
    expect(await router.exited).toBe(0);
  }, 60_000);

  it('serves the page with --dashboard on a plain router, with its CSP and config', async () => {
    const router = startCli(['router', '--dashboard', '--port', '0', '--log-level', 'warn']);
    await router.waitFor('stdout', 'Ctrl-C to stop');
    const url = /^dashboard (http:\/\/127\.0\.0\.1:\d+\/dashboard\/)$/m.exec(router.stdout())![1];
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<script type="module" src="dashboard.js"></script>');
    expect(await (await fetch(`${url}config.json`)).json()).toEqual({ path: '/ws', realm: 'realm1' });
    expect((await fetch(url.slice(0, -1), { redirect: 'manual' })).headers.get('location')).toBe(
      '/dashboard/',
    );
    expect((await fetch(`${url}../dashboard/secret`)).status).toBe(404);
    expect((await fetch(url, { method: 'POST' })).status).toBe(405);
    // Still a WAMP listener: other paths are not the dashboard's.
    expect((await fetch(url.replace('/dashboard/', '/elsewhere'))).status).toBe(404);
    router.child.kill('SIGTERM');
    expect(await router.exited).toBe(0);
  }, 30_000);
});
