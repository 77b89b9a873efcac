import { readFileSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';
import type { Options } from '@swc/core';
import { ErrorCode, WServiceError } from '../src/errors';

/**
 * Lets `require` load TypeScript with decorator metadata intact (`design:paramtypes`, which
 * DI and argument checks need), compiled by swc to CommonJS in memory. tsx and esbuild drop
 * that metadata, so they cannot serve here.
 */

/** A `.ts` file could not be compiled; the message names the file and line. */
export class CompileError extends WServiceError {
  readonly code = ErrorCode.COMPILE;

  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'CompileError';
  }
}

const SWC_OPTIONS: Options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true, tsx: false },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
  swcrc: false,
  configFile: false,
};

let registered = false;

/** Installs the `.ts` / `.mts` / `.cts` require hook once per process. */
export function registerTypeScript(): void {
  if (registered) return;
  registered = true;
  const compile = (module: NodeJS.Module, filename: string): void => {
    const swc = loadSwc(filename);
    const source = readFileSync(filename, 'utf8');
    let code: string;
    try {
      code = swc.transformSync(source, { ...SWC_OPTIONS, filename }).code;
    } catch (err) {
      throw new CompileError(filename, firstLine(err));
    }
    (module as unknown as { _compile(code: string, filename: string): void })._compile(code, filename);
  };
  for (const ext of ['.ts', '.mts', '.cts']) {
    // require.extensions is deprecated but is what every CommonJS loader hook builds on.
    require.extensions[ext] = compile;
  }
}

let swcModule: typeof import('@swc/core') | undefined;

/**
 * swc, loaded on the first `.ts` file: it is an optional peer dependency, so compiled
 * deployments (`.js` only) run without it.
 */
function loadSwc(filename: string): typeof import('@swc/core') {
  if (swcModule !== undefined) return swcModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    swcModule = require('@swc/core') as typeof import('@swc/core');
  } catch (err) {
    if ((err as NodeJS.ErrnoException)?.code !== 'MODULE_NOT_FOUND') throw err;
    throw new CompileError(
      filename,
      'compiling TypeScript on the fly needs @swc/core (npm install --save-dev @swc/core), ' +
        'or run the compiled .js files instead',
    );
  }
  return swcModule;
}

/** swc reports errors as a multi-line diagnostic; keep what a person needs in one line. */
function firstLine(err: unknown): string {
  const text = stripVTControlCharacters(String((err as Error)?.message ?? err));
  const lines = text.split('\n').map((l) => l.trim());
  const message = lines.find((l) => /^(x|×|error)/i.test(l))?.replace(/^(x|×)\s*/, '') ?? lines[0];
  const location = lines.find((l) => /^[,╭─]*\[.*:\d+:\d+\]/.test(l) || /:\d+:\d+\]/.test(l));
  const lineNo = location ? /:(\d+):\d+\]/.exec(location)?.[1] : undefined;
  return lineNo ? `line ${lineNo}: ${message}` : message;
}
