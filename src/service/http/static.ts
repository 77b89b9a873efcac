import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';

/** Content types of the files a web page is made of; anything else goes as bytes. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** Where pages served by `http.static` import the browser client from. */
export const BROWSER_BUNDLE_PATH = '/wservice/';

/** The files of the browser bundle that `BROWSER_BUNDLE_PATH` serves. */
const BUNDLE_FILES = new Set(['wservice.js', 'wservice.min.js', 'wservice.js.map', 'wservice.min.js.map']);

/**
 * The static files of `http.static` (`wservice run`): GET and HEAD of the files under one
 * folder, `index.html` for a folder, and the browser bundle (dist/browser) under `/wservice/`.
 * Only regular files inside the folder: no `..` out of it, no dot-files (`.env`, `.git`), no
 * listing of folders. Routes of services come first; what no route and no file answers is 404.
 */
export class StaticFiles {
  private readonly root: string;

  constructor(
    folder: string,
    private readonly bundle: string | undefined = browserBundleFolder(),
  ) {
    this.root = resolve(folder);
  }

  /** True when the folder exists (the runner refuses to start on a missing one). */
  get exists(): boolean {
    return existsSync(this.root) && statSync(this.root).isDirectory();
  }

  /** Answers `req` with a file and returns true, or returns false for no such file. */
  serve(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const file = this.fileOf(path);
    if (file === undefined) return false;
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': statSync(file).size,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
    return true;
  }

  private fileOf(path: string): string | undefined {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return undefined;
    }
    if (decoded.includes('\0')) return undefined;
    const bundled = decoded.startsWith(BROWSER_BUNDLE_PATH)
      ? decoded.slice(BROWSER_BUNDLE_PATH.length)
      : undefined;
    if (bundled !== undefined && this.bundle !== undefined && BUNDLE_FILES.has(bundled))
      return regularFile(join(this.bundle, bundled));
    const segments = decoded.split('/').filter((s) => s !== '');
    // `..` and dot-files never: the folder's own secrets (.env) and everything outside it.
    if (segments.some((s) => s.startsWith('.'))) return undefined;
    const target = resolve(this.root, ...segments);
    if (target !== this.root && !target.startsWith(this.root + sep)) return undefined;
    if (existsSync(target) && statSync(target).isDirectory()) return regularFile(join(target, 'index.html'));
    return regularFile(target);
  }
}

function regularFile(path: string): string | undefined {
  return existsSync(path) && statSync(path).isFile() ? path : undefined;
}

/** dist/browser of the wservice package this file belongs to (`npm run build:browser`). */
function browserBundleFolder(): string | undefined {
  // src/service/http in the repository, dist/src/service/http once built and installed.
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'wservice'
    )
      return join(dir, 'dist', 'browser');
  }
  return undefined;
}
