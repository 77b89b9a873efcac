import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import { ErrorCode, WServiceError } from '../src/errors';
import { isServiceClass } from '../src/service/metadata';
import type { ServiceClass } from '../src/service/definition';
import { CompileError, registerTypeScript } from './loader';

/** A service class found in a file. */
export interface DiscoveredService {
  file: string;
  exportName: string;
  target: ServiceClass;
}

/** Nothing decorated with `@Service` was found; says where it looked. */
export class NoServicesError extends WServiceError {
  readonly code = ErrorCode.NO_SERVICES;

  constructor(paths: string[]) {
    super(`no @Service classes found in ${paths.join(', ')} (looked in .ts and .js files, tests excluded)`);
    this.name = 'NoServicesError';
  }
}

/** A file failed while loading (a compile error, or it threw at import). */
export class ServiceLoadError extends WServiceError {
  readonly code = ErrorCode.SERVICE_LOAD;

  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'ServiceLoadError';
  }
}

const SOURCE = /\.(ts|mts|cts|js|cjs|mjs)$/;
const SKIPPED_FILE = /(\.d\.[cm]?ts|\.(test|spec)\.[cm]?[jt]s)$/;
const SKIPPED_DIR = new Set(['node_modules', '__tests__', 'coverage']);

/** Every loadable source file under `paths` (files or folders, recursively), sorted. */
export function findSourceFiles(paths: string[], cwd = process.cwd()): string[] {
  const files: string[] = [];
  const visit = (path: string): void => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        if (entry.startsWith('.') || SKIPPED_DIR.has(entry)) continue;
        visit(join(path, entry));
      }
    } else if (SOURCE.test(path) && !SKIPPED_FILE.test(path)) {
      files.push(path);
    }
  };
  for (const p of paths) {
    const full = resolve(cwd, p);
    if (!existsSync(full)) throw new ServiceLoadError(p, 'no such file or folder');
    visit(full);
  }
  return files;
}

/**
 * Loads every source file under `paths` (TypeScript through swc, with decorator metadata) and
 * returns the exported classes decorated with `@Service`, each once.
 */
export function discoverServices(paths: string[], cwd = process.cwd()): DiscoveredService[] {
  registerTypeScript();
  const found: DiscoveredService[] = [];
  const seen = new Set<ServiceClass>();
  for (const file of findSourceFiles(paths, cwd)) {
    const shown = relative(cwd, file) || file;
    let exports: Record<string, unknown>;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      exports = require(file) as Record<string, unknown>;
    } catch (err) {
      if (err instanceof CompileError)
        throw new ServiceLoadError(shown, err.message.slice(err.file.length + 2));
      throw new ServiceLoadError(shown, `failed to load: ${(err as Error)?.message ?? String(err)}`);
    }
    for (const [exportName, value] of Object.entries(exports ?? {})) {
      if (isServiceClass(value) && !seen.has(value)) {
        seen.add(value);
        found.push({ file, exportName, target: value });
      }
    }
  }
  if (found.length === 0) throw new NoServicesError(paths);
  return found;
}

/** True when `file` is one `discoverServices` would load. */
export function isServiceSource(file: string): boolean {
  return SOURCE.test(file) && !SKIPPED_FILE.test(file) && extname(file) !== '';
}
