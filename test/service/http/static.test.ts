import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Http, Service } from '../../../src';
import { ServiceOptionsError } from '../../../src/service/runtime-errors';
import { runServices, type TestSystem } from '../../../src/testing';

/** `http.static`: a folder of files beside the @Http routes, and the browser bundle at /wservice/. */
@Service('pages')
class PagesService {
  @Http('GET', '/api/hello')
  hello(): { hello: string } {
    return { hello: 'world' };
  }

  @Http('GET', '/index.html')
  shadow(): string {
    return 'the route wins';
  }
}

let dir: string;
let system: TestSystem;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wservice-static-'));
  const site = join(dir, 'site');
  mkdirSync(join(site, 'docs'), { recursive: true });
  mkdirSync(join(site, '.git'));
  writeFileSync(join(site, 'index.html'), '<h1>home</h1>');
  writeFileSync(join(site, 'app.mjs'), 'export const x = 1;\n');
  writeFileSync(join(site, 'docs', 'index.html'), '<h1>docs</h1>');
  writeFileSync(join(site, '.env'), 'SECRET=1');
  writeFileSync(join(site, '.git', 'config'), '[core]');
  writeFileSync(join(dir, 'outside.txt'), 'outside');
  system = await runServices([PagesService], { http: { port: 0, static: site } });
});

afterAll(async () => {
  await system?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string, init?: RequestInit) => fetch(`${system.httpUrl}${path}`, init);

describe('http.static', () => {
  it('serves the folder: index.html for a folder, content types by extension, HEAD without a body', async () => {
    const home = await get('/');
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await home.text()).toBe('<h1>home</h1>');
    expect(await (await get('/docs/')).text()).toBe('<h1>docs</h1>');
    const module = await get('/app.mjs');
    expect(module.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(module.headers.get('x-content-type-options')).toBe('nosniff');
    const head = await get('/app.mjs', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('20');
    expect(await head.text()).toBe('');
  });

  it('leaves the routes first, and answers 404 as before for what no route and no file serves', async () => {
    expect(await (await get('/api/hello')).json()).toEqual({ hello: 'world' });
    expect(await (await get('/index.html')).json()).toBe('the route wins');
    const missing = await get('/nothing.html');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'wservice.error.not_found' });
    expect((await get('/app.mjs', { method: 'POST' })).status).toBe(404);
  });

  it('never serves dot-files or anything outside the folder', async () => {
    for (const path of [
      '/.env',
      '/.git/config',
      '/../outside.txt',
      '/%2e%2e/outside.txt',
      '/docs/%2e%2e/%2e%2e/outside.txt',
      '/%00',
    ]) {
      expect({ path, status: (await get(path)).status }).toEqual({ path, status: 404 });
    }
  });

  it('serves the browser bundle under /wservice/', async () => {
    const bundle = await get('/wservice/wservice.min.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await bundle.text()).toMatch(/export\s*\{/);
    expect((await get('/wservice/meta.json')).status).toBe(404);
  });

  it('refuses to start on a folder that is not there', async () => {
    await expect(
      runServices([PagesService], { http: { port: 0, static: join(dir, 'missing') } }),
    ).rejects.toThrow(new ServiceOptionsError(`http.static: ${join(dir, 'missing')} is not a folder`));
  });
});
