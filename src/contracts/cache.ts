import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import type { Extraction } from './extract';

/**
 * Contracts read from TypeScript, kept on disk by content hash so a start whose sources did
 * not change never loads the compiler: `node_modules/.cache/wservice/contracts` of the
 * nearest folder with a `node_modules`, else a folder of this user's own in the system's
 * temporary directory. `WSERVICE_CONTRACT_CACHE` names another folder, or `off`.
 */

/** Bumped whenever what the extractor writes changes. */
const FORMAT = 4;

interface Entry {
  dependencies: Record<string, string>;
  extraction: Extraction;
}

export function cacheDirectory(file: string): string | undefined {
  const setting = process.env.WSERVICE_CONTRACT_CACHE;
  if (setting === 'off') return undefined;
  if (setting !== undefined && setting !== '') return setting;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules')))
      return join(dir, 'node_modules', '.cache', 'wservice', 'contracts');
    if (dirname(dir) === dir) break;
  }
  return join(tmpdir(), `wservice-contracts-${userInfo().uid}`);
}

function hash(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

function entryPath(directory: string, file: string, source: string, compiler: string): string {
  return join(directory, `${hash(`${FORMAT}\0${compiler}\0${file}\0${source}`)}.json`);
}

/** The cached extraction of `file` if neither it nor any file it read changed since. */
export function readCached(
  directory: string,
  file: string,
  source: string,
  compiler: string,
): Extraction | undefined {
  let entry: Entry;
  try {
    entry = JSON.parse(readFileSync(entryPath(directory, file, source, compiler), 'utf8')) as Entry;
  } catch {
    return undefined;
  }
  for (const [dependency, digest] of Object.entries(entry.dependencies)) {
    try {
      if (hash(readFileSync(dependency)) !== digest) return undefined;
    } catch {
      return undefined;
    }
  }
  return entry.extraction;
}

export function writeCached(
  directory: string,
  file: string,
  source: string,
  compiler: string,
  extraction: Extraction,
): void {
  const dependencies: Record<string, string> = {};
  for (const dependency of extraction.dependencies) {
    try {
      dependencies[dependency] = hash(readFileSync(dependency));
    } catch {
      return;
    }
  }
  const target = entryPath(directory, file, source, compiler);
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    // Written whole, then renamed: parallel test workers never read half an entry.
    const partial = `${target}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify({ dependencies, extraction } satisfies Entry));
    renameSync(partial, target);
  } catch {
    // A cache that cannot be written only costs the next start the extraction again.
  }
}
