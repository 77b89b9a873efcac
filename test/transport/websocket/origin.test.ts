import WebSocket from 'ws';
import { Router } from '../../../src/router';
import { listenWebSocket, type Listener, type Transport } from '../../../src/transport';
import { cleanupAfterEach } from '../helpers';

interface Attempt {
  status: number;
  body: string;
  transport?: Transport;
}

describe('WebSocket listener: Origin checks', () => {
  const cleanup = cleanupAfterEach();
  const logged: Array<{ origin?: string; msg: string }> = [];
  const logger = {
    warn: (fields: { origin?: string }, msg: string) => logged.push({ ...fields, msg }),
    debug: () => undefined,
    info: () => undefined,
    error: () => undefined,
    child: () => logger,
  };

  beforeEach(() => (logged.length = 0));

  async function listen(allowedOrigins?: string[]): Promise<{ listener: Listener; accepted: Transport[] }> {
    const accepted: Transport[] = [];
    const listener = await listenWebSocket(
      { port: 0, allowedOrigins, logger: logger as never },
      (transport) => {
        accepted.push(transport);
        cleanup.push(() => transport.close());
      },
    );
    cleanup.push(() => listener.close());
    return { listener, accepted };
  }

  /** Opens a WAMP WebSocket with `origin` (a browser's header), reporting the HTTP answer. */
  function attempt(url: string, origin: string | undefined): Promise<Attempt> {
    const socket = new WebSocket(url, ['wamp.2.json'], origin === undefined ? {} : { origin });
    cleanup.push(() => socket.terminate());
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve({ status: 101, body: '' }));
      socket.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      socket.once('error', reject);
    });
  }

  it('by default accepts non-browser clients and pages of this machine, and refuses any other page with 403', async () => {
    const { listener, accepted } = await listen();
    for (const origin of [
      undefined,
      'http://localhost:3000',
      'https://localhost',
      'http://127.0.0.1:8080',
      'http://[::1]:5173',
    ]) {
      expect({ origin, status: (await attempt(listener.url, origin)).status }).toEqual({
        origin,
        status: 101,
      });
    }
    const foreign = [
      'https://evil.example',
      'http://localhost.evil.example',
      'http://127.0.0.1.nip.io',
      'null',
      'file://',
      'chrome-extension://abcdef',
    ];
    for (const origin of foreign) {
      const refused = await attempt(listener.url, origin);
      expect({ origin, status: refused.status }).toEqual({ origin, status: 403 });
      expect(refused.body).toContain('not allowed');
    }
    expect(accepted).toHaveLength(5);
    // One log line per refusal, naming the origin.
    expect(logged.map((l) => l.origin)).toEqual(foreign);
  });

  it('accepts exactly the configured origins, with * for a part of one', async () => {
    const { listener } = await listen([
      'https://app.example.com',
      'https://*.shop.example',
      'http://localhost:*',
    ]);
    const status = async (origin: string | undefined) => (await attempt(listener.url, origin)).status;
    expect(await status('https://app.example.com')).toBe(101);
    expect(await status('HTTPS://APP.EXAMPLE.COM')).toBe(101);
    expect(await status('https://eu.shop.example')).toBe(101);
    expect(await status('http://localhost:4200')).toBe(101);
    expect(await status(undefined)).toBe(101);
    expect(await status('https://app.example.com.evil.example')).toBe(403);
    expect(await status('http://app.example.com')).toBe(403);
    expect(await status('https://shop.example.evil/x.shop.example')).toBe(403);
    // Listing origins replaces the default: 127.0.0.1 is no longer in.
    expect(await status('http://127.0.0.1:8080')).toBe(403);
  });

  it('accepts every page with "*", and hands the Origin to the transport', async () => {
    const { listener, accepted } = await listen(['*']);
    expect((await attempt(listener.url, 'https://anywhere.example')).status).toBe(101);
    expect(accepted[0].origin).toBe('https://anywhere.example');
  });
});

describe('router WebSocket listener: allowedOrigins', () => {
  it('refuses other origins by default and admits the configured ones', async () => {
    const closed = await Router.start({ listeners: [{ type: 'websocket', port: 0 }] });
    const open = await Router.start({
      listeners: [{ type: 'websocket', port: 0, allowedOrigins: ['https://app.example.com'] }],
    });
    try {
      const status = (url: string, origin: string) =>
        new Promise<number>((resolve, reject) => {
          const socket = new WebSocket(url, ['wamp.2.json'], { origin });
          socket.once('open', () => {
            socket.terminate();
            resolve(101);
          });
          socket.once('unexpected-response', (_req, res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          socket.once('error', reject);
        });
      expect(await status(closed.clientUrl!, 'https://app.example.com')).toBe(403);
      expect(await status(closed.clientUrl!, 'http://localhost:3000')).toBe(101);
      expect(await status(open.clientUrl!, 'https://app.example.com')).toBe(101);
    } finally {
      await Promise.all([closed.stop(), open.stop()]);
    }
  });
});
