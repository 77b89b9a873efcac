import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { DEFAULT_REALM } from '../defaults';
import { RouterOptionsError } from './options-check';

/**
 * The live dashboard of a WebSocket listener (`listeners[i].dashboard`): a page served on the
 * listener's own port whose browser code joins a realm as an ordinary WAMP session with the
 * user's credentials, so it sees and calls only what that session may. Off unless asked for.
 */
export interface DashboardOptions {
  /** The realm the page joins. Default `realm1`. */
  realm?: string;
  /** Where the page is served. Default `/dashboard`. */
  path?: string;
}

export const DEFAULT_DASHBOARD_PATH = '/dashboard';

/** What the page is made of, by the name it is served as: its two files and the browser client. */
const ASSETS: Record<string, { file: (folders: AssetFolders) => string; type: string }> = {
  '': { file: (f) => join(f.page, 'index.html'), type: 'text/html; charset=utf-8' },
  'dashboard.js': { file: (f) => join(f.page, 'dashboard.js'), type: 'text/javascript; charset=utf-8' },
  // wservice/browser, the client as one ES module (`npm run build` makes it).
  'wservice.js': { file: (f) => join(f.browser, 'wservice.min.js'), type: 'text/javascript; charset=utf-8' },
};

interface AssetFolders {
  page: string;
  browser: string;
}

/**
 * Nothing but the page's own files, scripts and WebSocket (`'self'` covers `ws:` of the same
 * host), inline styles for the charts; no frames of it elsewhere.
 */
const CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'none'";

/**
 * The page's folder (`dashboard/` of the package) and the browser bundle's (`dist/browser/`),
 * from `src/router` in the repository or `dist/src/router` in the package.
 */
function assetFolders(): AssetFolders {
  const root = [join(__dirname, '..', '..'), join(__dirname, '..', '..', '..')].find((dir) =>
    existsSync(join(dir, 'dashboard', 'index.html')),
  );
  if (root === undefined)
    throw new RouterOptionsError('dashboard', 'the dashboard/ folder of wservice is missing');
  return { page: join(root, 'dashboard'), browser: join(root, 'dist', 'browser') };
}

/** Serves the dashboard's page, its two modules and `config.json` (the WebSocket path and the realm). */
export class DashboardPages {
  readonly path: string;
  private readonly realm: string;
  private readonly files = new Map<string, Buffer>();

  constructor(
    options: DashboardOptions,
    private readonly webSocketPath: string,
  ) {
    this.path = (options.path ?? DEFAULT_DASHBOARD_PATH).replace(/\/+$/, '');
    this.realm = options.realm ?? DEFAULT_REALM;
    const folders = assetFolders();
    // Read once at start: a missing file is a broken install, said at start-up, not per request.
    for (const [name, asset] of Object.entries(ASSETS)) {
      const file = asset.file(folders);
      if (!existsSync(file))
        throw new RouterOptionsError(
          'dashboard',
          `${file} is missing (npm run build makes the browser client)`,
        );
      this.files.set(name, readFileSync(file));
    }
  }

  /** Whether the request is the dashboard's (answered here) or someone else's. */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== this.path && !path.startsWith(`${this.path}/`)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res
        .writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' })
        .end('use GET\n');
      return true;
    }
    if (path === this.path) {
      res.writeHead(308, { location: `${this.path}/` }).end();
      return true;
    }
    const name = path.slice(this.path.length + 1);
    if (name === 'config.json') {
      this.send(req, res, 'application/json; charset=utf-8', this.config());
      return true;
    }
    const type = ASSETS[name]?.type;
    const body = this.files.get(name);
    if (type === undefined || body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return true;
    }
    this.send(req, res, type, body);
    return true;
  }

  private config(): Buffer {
    return Buffer.from(JSON.stringify({ path: this.webSocketPath, realm: this.realm }));
  }

  private send(req: IncomingMessage, res: ServerResponse, type: string, body: Buffer): void {
    res.writeHead(200, {
      'content-type': type,
      'content-length': body.length,
      'cache-control': 'no-store',
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

/** Where a listener at `listenerUrl` (`ws://127.0.0.1:8080/ws`) serves its dashboard: `http://127.0.0.1:8080/dashboard/`. */
export function dashboardUrl(listenerUrl: string, options: DashboardOptions | true): string {
  const url = new URL(listenerUrl.replace(/^ws/, 'http'));
  const path = (options === true ? undefined : options.path) ?? DEFAULT_DASHBOARD_PATH;
  return `${url.origin}${path.replace(/\/+$/, '')}/`;
}
