import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type * as TS from 'typescript';
import { ConfigError } from '../config/errors';
import { extractContracts } from './extract';
import { contractFileFor } from './source-file';
import type { ContractFile } from './types';

/**
 * `wservice build`: the contracts of a TypeScript project's services written beside its
 * compiled JavaScript (`dist/orders.service.js` → `dist/orders.service.contract.json`), so
 * `dist/` checks every call as the sources would, without them and without the compiler.
 */

export interface BuiltContracts {
  /** The contract files written. */
  written: string[];
  /** Parameters checked as "any", and why. */
  warnings: string[];
}

export function writeContractFiles(project: string): BuiltContracts {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof TS;
  const full = resolve(project);
  const configPath = isDirectory(full) ? join(full, 'tsconfig.json') : full;
  let problem: string | undefined;
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      problem = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    },
  });
  if (parsed === undefined)
    throw new ConfigError(`${configPath}: ${problem ?? 'cannot be read'}`, { file: configPath });
  const built: BuiltContracts = { written: [], warnings: [] };
  for (const file of parsed.fileNames) {
    if (!/\.[cm]?ts$/.test(file) || /\.d\.[cm]?ts$/.test(file)) continue;
    // Only files that may declare a service are read with the compiler.
    if (!/@Service\s*\(/.test(readFileSync(file, 'utf8'))) continue;
    const { contracts } = extractContracts(file);
    if (Object.keys(contracts).length === 0) continue;
    const output = ts.getOutputFileNames(parsed, file, false).find((f) => /\.[cm]?js$/.test(f));
    if (output === undefined) continue;
    const target = contractFileFor(output);
    const content: ContractFile = { wservice: 'contract', version: 1, services: contracts };
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, `${JSON.stringify(content, null, 2)}\n`);
    built.written.push(target);
    for (const contract of Object.values(contracts)) built.warnings.push(...contract.warnings);
  }
  return built;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
