import { dirname } from 'node:path';

/**
 * The file that declared a decorated class, read from the call stack while its decorator
 * runs: the first frame outside wservice's own sources and the decorator helpers (tslib,
 * swc's helpers) is the class's module. Under `wservice run` (swc's require hook), jest and
 * compiled JavaScript alike the frame names the file Node loaded, `.ts` or `.js`.
 */

// src/contracts → the folder holding src/ (or dist/src/ once compiled).
const OWN_SOURCES = dirname(__dirname);
const HELPERS = /[\\/]node_modules[\\/](?:tslib|@swc[\\/]helpers|reflect-metadata|tsyringe)[\\/]/;

export function declaringFile(): string | undefined {
  const previous = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  let sites: NodeJS.CallSite[];
  try {
    Error.stackTraceLimit = 30;
    Error.prepareStackTrace = (_err, stack) => stack;
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder, declaringFile);
    sites = holder.stack ?? [];
  } finally {
    Error.prepareStackTrace = previous;
    Error.stackTraceLimit = limit;
  }
  for (const site of sites) {
    const file = site.getFileName();
    if (file === undefined || file === null || file.startsWith('node:')) continue;
    const path = file.startsWith('file://') ? new URL(file).pathname : file;
    if (path.startsWith(OWN_SOURCES + (OWN_SOURCES.endsWith('/') ? '' : '/')) || HELPERS.test(path)) continue;
    if (!path.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(path)) continue;
    return path;
  }
  return undefined;
}

/** The contract file beside a compiled service file: `orders.service.js` → `orders.service.contract.json`. */
export function contractFileFor(file: string): string {
  return `${file.replace(/\.[cm]?[jt]s$/, '')}.contract.json`;
}
