import { readFileSync, statSync } from 'node:fs';
import { cacheDirectory, readCached, writeCached } from './cache';
import { contractFileFor } from './source-file';
import type { ContractFile, ServiceContract } from './types';

/**
 * The contract of a service class declared in `file`: from its TypeScript source (through
 * the cache), or from the contract file beside compiled JavaScript (`wservice build`).
 * Undefined, with the reason, when neither can be read.
 */
export function loadContract(file: string, className: string): ServiceContract | { missing: string } {
  if (/\.[cm]?tsx?$/.test(file)) return fromTypeScript(file, className);
  return fromContractFile(file, className);
}

const extracted = new Map<string, { source: string; contracts: Record<string, ServiceContract> }>();

function fromTypeScript(file: string, className: string): ServiceContract | { missing: string } {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    return { missing: `its source ${file} cannot be read (${(err as Error).message})` };
  }
  let contracts = extracted.get(file)?.source === source ? extracted.get(file)!.contracts : undefined;
  if (contracts === undefined) {
    try {
      contracts = extractCached(file, source);
    } catch (err) {
      return { missing: `TypeScript could not read ${file}: ${(err as Error).message}` };
    }
    extracted.set(file, { source, contracts });
  }
  return contracts[className] ?? { missing: `${file} declares no decorated class ${className}` };
}

function extractCached(file: string, source: string): Record<string, ServiceContract> {
  // Loaded here, not at the top: a run served by contract files or the cache never loads the compiler.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { extractContracts, typescriptVersion } = require('./extract') as typeof import('./extract');
  const compiler = typescriptVersion();
  const directory = cacheDirectory(file);
  const cached = directory === undefined ? undefined : readCached(directory, file, source, compiler);
  if (cached !== undefined) return cached.contracts;
  const extraction = extractContracts(file);
  if (directory !== undefined) writeCached(directory, file, source, compiler, extraction);
  return extraction.contracts;
}

function fromContractFile(file: string, className: string): ServiceContract | { missing: string } {
  const path = contractFileFor(file);
  let parsed: ContractFile;
  try {
    statSync(path);
  } catch {
    return { missing: `${path} is missing (write it with \`wservice build\`)` };
  }
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as ContractFile;
  } catch (err) {
    return { missing: `${path} cannot be read (${(err as Error).message})` };
  }
  if (parsed?.wservice !== 'contract' || parsed.version !== 1 || typeof parsed.services !== 'object') {
    return { missing: `${path} is not a wservice contract file (version 1)` };
  }
  const contract = parsed.services[className];
  return contract === undefined
    ? { missing: `${path} has no contract for ${className}` }
    : // The file the class is loaded from, not where the build machine kept its source.
      { ...contract, file, source: 'contract-file' };
}
