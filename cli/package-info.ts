import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * wservice's own package: its folder and version, found by walking up from this file, which
 * works both from the sources (`cli/`) and from the build (`dist/cli/`).
 */
export interface PackageInfo {
  /** The folder holding wservice's package.json (and `templates/`). */
  root: string;
  version: string;
}

let found: PackageInfo | undefined;

export function packageInfo(): PackageInfo {
  if (found !== undefined) return found;
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'wservice' && pkg.version !== undefined)
        return (found = { root: dir, version: pkg.version });
    } catch {
      // No package.json here: look further up.
    }
  }
  throw new Error(`wservice's package.json was not found above ${__dirname}`);
}

/** The version of the running wservice, or `unknown` if its package.json cannot be found. */
export function packageVersion(): string {
  try {
    return packageInfo().version;
  } catch {
    return 'unknown';
  }
}
