import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, killStarted, ROOT, runProgram, startCli } from '../cli/helpers/cli';

/**
 * docs/web.md: `wservice run` serves the library sample's @Http routes, and the page's curl
 * samples (docs/snippets/web.sh) give the answers the page shows.
 */
/** The embedded router with the HTTP bridge on its (free) WebSocket port. */
const BRIDGE_CONFIG = `router:
  embedded:
    listeners:
      - { type: websocket, host: 127.0.0.1, port: 0, path: /ws, bridge: true }
`;

describe('docs/web.md: @Http routes through wservice run, called with curl', () => {
  beforeAll(assertBuilt);
  afterEach(killStarted);

  it('serves the routes on --http-port and the bridge, and the curl samples answer as documented', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wservice-web-'));
    const config = join(dir, 'wservice.config.yaml');
    writeFileSync(config, BRIDGE_CONFIG);
    const run = startCli([
      'run',
      'docs/snippets/web.ts',
      '--config',
      config,
      '--http-port',
      '0',
      '--log-level',
      'warn',
    ]);
    await run.waitFor('stdout', 'Ctrl-C to stop');
    const out = run.stdout();
    expect(out).toMatch(/library\s+rpc\s+library\.get\(isbn: string\)\n\s+http\s+GET \/books\/:isbn\n/);
    expect(out).toMatch(/\s+http\s+POST \/books\/:isbn\/loans/);
    const http = /^http (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out)![1];
    const router = /on ws:\/\/(127\.0\.0\.1:\d+)\/ws/.exec(out)![1];
    const curl = await runProgram('sh', [join(ROOT, 'docs/snippets/web.sh')], {
      env: { HTTP: http, ROUTER: `http://${router}` },
    });
    expect(curl.stderr).toBe('');
    expect(curl.code).toBe(0);
    const [get, query, post, lend, errors, invalid, bridgeCall, bridgePublish, openapi, traced] =
      curl.stdout.split('\n---\n');
    expect(JSON.parse(get)).toEqual({ isbn: '978-0441013593', title: 'Dune', copies: 1 });
    expect(JSON.parse(query)).toEqual([{ isbn: '978-0441013593', title: 'Dune', copies: 1 }]);
    expect(JSON.parse(post)).toEqual({ isbn: '978-0553283686', title: 'Hyperion', copies: 2 });
    expect(JSON.parse(lend)).toEqual({ reader: 'ada', left: 0 });
    expect(errors).toMatch(/^HTTP\/1\.1 409 Conflict\r\n/);
    expect(errors).toMatch(/\r?\ncontent-type: application\/json; charset=utf-8\r?\n/i);
    expect(errors).toMatch(/\r?\nx-correlation-id: [0-9a-f-]{36}\r?\n/i);
    expect(JSON.parse(errors.slice(errors.indexOf('{')))).toEqual({
      error: 'library.error.no_copy_left',
      args: ['every copy of 978-0441013593 is out'],
      kwargs: { isbn: '978-0441013593' },
      message: 'every copy of 978-0441013593 is out',
    });
    expect(JSON.parse(invalid)).toEqual({
      error: 'wamp.error.invalid_argument',
      args: ['list() limit: expected number, got string "five"'],
      kwargs: {
        method: 'list',
        parameter: 'limit',
        path: 'limit',
        expected: 'expected number',
        got: 'string "five"',
      },
      message: 'list() limit: expected number, got string "five"',
    });
    expect(JSON.parse(bridgeCall)).toEqual({
      args: [{ isbn: '978-0441013593', title: 'Dune', copies: 0 }],
      kwargs: {},
    });
    expect(JSON.parse(bridgePublish)).toEqual({ id: expect.any(Number) });
    const doc = JSON.parse(openapi) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/books', '/books/{isbn}', '/books/{isbn}/loans']);
    expect(Object.keys(doc.paths['/books']).sort()).toEqual(['get', 'post']);
    expect(JSON.parse(traced)).toEqual(JSON.parse(bridgeCall));
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes http: from wservice.config.yaml', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wservice-web-'));
    try {
      const config = join(dir, 'wservice.config.yaml');
      writeFileSync(config, 'http:\n  port: 0\n  host: 127.0.0.1\n  maxBodyBytes: 64\n');
      const run = startCli([
        'run',
        'docs/snippets/web.ts',
        '--port',
        '0',
        '--config',
        config,
        '--log-level',
        'warn',
      ]);
      await run.waitFor('stdout', 'Ctrl-C to stop');
      const http = /^http (http:\/\/127\.0\.0\.1:\d+)$/m.exec(run.stdout())![1];
      const large = await fetch(`${http}/books`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ isbn: '1', title: 'x'.repeat(100) }),
      });
      expect(large.status).toBe(413);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
