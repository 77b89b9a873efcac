import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ErrorCode, WServiceError } from '../src/errors';

/**
 * What `wservice new` writes: files from `templates/`, with `{{key}}` placeholders replaced.
 * Template files end in `.tmpl` so that no tool of this repository (tsc, eslint, prettier,
 * jest) takes them for its own, and so that npm packs them as they are (it would drop a
 * file named `.gitignore`: that one is stored as `gitignore.tmpl`).
 */

/** A project or service cannot be created as asked; the message says why, in one line. */
export class ScaffoldError extends WServiceError {
  readonly code = ErrorCode.SCAFFOLD;

  constructor(message: string) {
    super(message);
    this.name = 'ScaffoldError';
  }
}

/** npm's rule for new package names: lowercase, URL-safe, optionally scoped, at most 214 characters. */
const PACKAGE_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

/** Checks `name` as an npm package name and returns the folder to create: the name without its scope. */
export function projectFolder(name: string): string {
  if (name.length > 214 || !PACKAGE_NAME.test(name))
    throw new ScaffoldError(
      `invalid project name "${name}": it must be a valid npm package name (lowercase letters, digits, - . _ ~, optionally @scope/name)`,
    );
  const folder = name.slice(name.lastIndexOf('/') + 1);
  if (folder === 'node_modules' || folder === 'favicon.ico')
    throw new ScaffoldError(`invalid project name "${name}": ${folder} is a name npm reserves`);
  return folder;
}

const SERVICE_NAME = /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/;

/** A service's name (its URI prefix and file name) and the class name made from it. */
export function serviceNames(name: string): { serviceName: string; className: string } {
  if (!SERVICE_NAME.test(name))
    throw new ScaffoldError(
      `invalid service name "${name}": use lowercase letters and digits, words joined by - or _ (e.g. billing, user-accounts)`,
    );
  const words = name.split(/[-_]/);
  const className = `${words.map((w) => w[0].toUpperCase() + w.slice(1)).join('')}Service`;
  return { serviceName: name, className };
}

/** `{{key}}` replaced by `values[key]`; a placeholder without a value is a bug in a template. */
export function renderTemplate(text: string, values: Record<string, string>, file: string): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template ${file}: no value for {{${key}}}`);
    return value;
  });
}

/** Template path to written path: `.tmpl` dropped, `gitignore` back to `.gitignore`. */
function targetName(templatePath: string): string {
  const path = templatePath.replace(/\.tmpl$/, '');
  return path === 'gitignore' ? '.gitignore' : path;
}

/** Every file under `dir`, relative to it, sorted. */
function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      return entry.isDirectory() ? listFiles(dir, path) : [path];
    });
}

/**
 * Renders every file of `templateDir` into `targetDir` (created if needed). Returns the
 * written paths, relative to `targetDir`.
 */
export function copyTemplate(
  templateDir: string,
  targetDir: string,
  values: Record<string, string>,
): string[] {
  return listFiles(templateDir).map((path) => {
    const target = targetName(path);
    writeNew(
      join(targetDir, target),
      renderTemplate(readFileSync(join(templateDir, path), 'utf8'), values, path),
    );
    return target;
  });
}

/** Writes `text` to `file`, creating its folder. */
export function writeNew(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text, { flag: 'wx' });
}

/** Refuses a folder that exists and holds anything (or is not a folder). */
export function assertEmptyOrMissing(dir: string, shown: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new ScaffoldError(`${shown} already exists and is not a folder`);
  if (readdirSync(dir).length > 0)
    throw new ScaffoldError(`folder ${shown} already exists and is not empty; choose another name`);
}

/** The nearest folder from `cwd` up whose package.json depends on wservice. */
export function findProjectRoot(cwd: string): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && dependsOnWservice(file)) return dir;
    if (dir === dirname(dir)) break;
  }
  throw new ScaffoldError(
    `no wservice project here: run this inside a project made by "wservice new" (a package.json that depends on wservice)`,
  );
}

function dependsOnWservice(packageFile: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(packageFile, 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    return pkg.dependencies?.wservice !== undefined || pkg.devDependencies?.wservice !== undefined;
  } catch {
    return false;
  }
}

/** `path` relative to `cwd` when that is shorter to read, for messages. */
export function shownPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}
