import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/**
 * Real headless Chromium for the browser tests: Debian's `chromium` package
 * (scripts/install-system-deps.sh), driven by puppeteer-core, which downloads no browser.
 * Start it once per test file (`launchChromium` in `beforeAll`); it is slow to start on a
 * loaded machine, hence the long timeouts.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** How long Chromium may take to start, and any one DevTools command to answer. */
export const CHROMIUM_TIMEOUT = 60_000;

export interface Chromium {
  readonly browser: Browser;
  /** A new tab at `url`, its console errors and uncaught exceptions collected in `errors`. */
  open(url: string): Promise<BrowserTab>;
  close(): Promise<void>;
}

export interface BrowserTab {
  readonly page: Page;
  /** What the page reported: console errors and uncaught exceptions. */
  readonly errors: string[];
  /**
   * Runs `body` in the page as the body of an async function and resolves with what it
   * returns (JSON-like values). Code as text: what the browser runs is what the test wrote,
   * not a transpiled copy of a test function.
   */
  run<T>(body: string): Promise<T>;
}

export async function launchChromium(): Promise<Chromium> {
  const profile = mkdtempSync(join(tmpdir(), 'wservice-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    timeout: CHROMIUM_TIMEOUT,
    protocolTimeout: CHROMIUM_TIMEOUT,
    userDataDir: profile,
    args: [
      // Chromium's sandbox refuses to run as root (CI and these machines run tests as root).
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      '--disable-dev-shm-usage',
      '--disable-gpu',
      '--no-first-run',
      '--no-default-browser-check',
    ],
  });
  return {
    browser,
    async open(url) {
      const page = await browser.newPage();
      page.setDefaultTimeout(CHROMIUM_TIMEOUT);
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.goto(url, { waitUntil: 'load' });
      return {
        page,
        errors,
        run: <T>(body: string) => page.evaluate(`(async () => {\n${body}\n})()`) as Promise<T>,
      };
    },
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
};

/** What a page server answers: a path to its body (text), or to a file on disk. */
export type PageRoutes = Record<string, string | { file: string }>;

export interface PageServer {
  /** `http://127.0.0.1:<port>`: the Origin of its pages. */
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves `routes` over HTTP on a free loopback port (404 for anything else). */
export async function servePages(routes: PageRoutes): Promise<PageServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const route = routes[path];
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (route === undefined) {
      res.writeHead(404).end();
      return;
    }
    const body = typeof route === 'string' ? route : readFileSync(route.file);
    const type = TYPES[extname(typeof route === 'string' ? path : route.file)] ?? TYPES['.html'];
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface BrowserBuild {
  metafile: { inputs: Record<string, { imports: { path: string; external?: boolean }[] }> };
  sizes: { file: string; bytes: number; gzip: number }[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain Node script, shared with npm run build:browser
const build = require(join(__dirname, '..', '..', 'scripts', 'build-browser.js')) as {
  buildBrowserBundle(outDir: string): Promise<BrowserBuild>;
};

/** The browser bundle, built by scripts/build-browser.js into a folder of its own. */
export interface BrowserBundle extends BrowserBuild {
  readonly dir: string;
  /** `wservice.js`, its source map, `wservice.min.js`: routes for `servePages`. */
  readonly routes: PageRoutes;
  remove(): void;
}

export async function buildBrowserBundle(): Promise<BrowserBundle> {
  const dir = mkdtempSync(join(tmpdir(), 'wservice-bundle-'));
  const result = await build.buildBrowserBundle(dir);
  const routes: PageRoutes = {};
  for (const name of ['wservice.js', 'wservice.js.map', 'wservice.min.js', 'wservice.min.js.map']) {
    routes[`/${name}`] = { file: join(dir, name) };
  }
  return { ...result, dir, routes, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
