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

/**
 * What one path given to `wservice run` names: a file or folder, or `file.ts:ClassName`, one
 * exported class of a file (wampy's / nameko's `module:App`).
 */
export interface ServiceTarget {
  path: string;
  exportName?: string;
}

const ONE_CLASS = /^(.+\.(?:ts|mts|cts|js|cjs|mjs)):([A-Za-z_$][\w$]*)$/;

/** Splits `file.ts:ClassName`; any other path names a file or folder. */
export function serviceTarget(path: string): ServiceTarget {
  const match = ONE_CLASS.exec(path);
  return match === null ? { path } : { path: match[1], exportName: match[2] };
}

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
    const { path } = serviceTarget(p);
    const full = resolve(cwd, path);
    if (!existsSync(full)) throw new ServiceLoadError(path, 'no such file or folder');
    visit(full);
  }
  return [...new Set(files)];
}

/**
 * Loads every source file under `paths` (TypeScript through swc, with decorator metadata) and
 * returns the exported classes decorated with `@Service`, each once. A `file.ts:ClassName`
 * path contributes that one class, and is refused (`ServiceLoadError`) when the file has no
 * such export or it is not a `@Service` class.
 */
export function discoverServices(paths: string[], cwd = process.cwd()): DiscoveredService[] {
  registerTypeScript();
  const found: DiscoveredService[] = [];
  const seen = new Set<ServiceClass>();
  const add = (service: DiscoveredService): void => {
    if (seen.has(service.target)) return;
    seen.add(service.target);
    found.push(service);
  };
  for (const p of paths) {
    const { exportName } = serviceTarget(p);
    for (const file of findSourceFiles([p], cwd)) {
      const services = servicesOf(file, loadExports(file, cwd));
      if (exportName === undefined) services.forEach(add);
      else add(oneService(file, cwd, exportName, services));
    }
  }
  if (found.length === 0) throw new NoServicesError(paths);
  return found;
}

function loadExports(file: string, cwd: string): Record<string, unknown> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(file) as Record<string, unknown>) ?? {};
  } catch (err) {
    const shown = relative(cwd, file) || file;
    if (err instanceof CompileError)
      throw new ServiceLoadError(shown, err.message.slice(err.file.length + 2));
    throw new ServiceLoadError(shown, `failed to load: ${(err as Error)?.message ?? String(err)}`);
  }
}

function servicesOf(file: string, exports: Record<string, unknown>): DiscoveredService[] {
  return Object.entries(exports)
    .filter((entry): entry is [string, ServiceClass] => isServiceClass(entry[1]))
    .map(([exportName, target]) => ({ file, exportName, target }));
}

function oneService(
  file: string,
  cwd: string,
  exportName: string,
  services: DiscoveredService[],
): DiscoveredService {
  const service = services.find((s) => s.exportName === exportName);
  if (service !== undefined) return service;
  const names = services.map((s) => s.exportName).join(', ') || 'none';
  const exported = Object.prototype.hasOwnProperty.call(loadExports(file, cwd), exportName);
  const why = exported ? `${exportName} is not a @Service class` : `no export named ${exportName}`;
  throw new ServiceLoadError(relative(cwd, file) || file, `${why} (its @Service classes: ${names})`);
}

/** True when `file` is one `discoverServices` would load. */
export function isServiceSource(file: string): boolean {
  return SOURCE.test(file) && !SKIPPED_FILE.test(file) && extname(file) !== '';
}
