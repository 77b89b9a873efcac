import { Command } from 'commander';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { WampError } from '../../src';
import { ConfigError } from '../../src/config/errors';
import {
  describeClasses,
  pythonClient,
  readDescriptions,
  typescriptClient,
} from '../../src/contracts/codegen';
import type { ServiceDescription } from '../../src/contracts/describe';
import { discoverServices } from '../discover';
import { reportWampError } from '../remote-errors';
import { connectWithFlags, routerTarget, withRouterFlags, type RouterFlags } from '../router-flags';
import { colour } from '../style';

interface CodegenFlags extends RouterFlags {
  ts?: string;
  python?: string;
  from?: string;
  service?: string[];
}

/** `wservice codegen`: typed clients (TypeScript, Python) from the services' contracts. */
export function codegenCommand(): Command {
  return withRouterFlags(
    new Command('codegen')
      .description("write a typed TypeScript client and Python stubs from the services' contracts")
      .argument(
        '[paths...]',
        'service files or folders to read; without them, ask the router (wservice.describe)',
      )
      .option('--ts <file>', 'write the TypeScript client module here')
      .option('--python <file>', 'write the Python module (autobahn-python) here')
      .option('--from <file>', 'read a saved description (wservice describe --json) instead')
      .option('--service <names...>', 'only these services'),
  )
    .addHelpText(
      'after',
      `
Reads the contracts from the running system (wservice.describe on --router), from service
sources (the same files wservice run loads; compiled ones need their contract files, see
wservice build) or from a saved description, and writes clients that import none of the
service classes.

Examples:
  $ wservice codegen --ts web/shop-client.ts --python tools/shop_client.py
  $ wservice codegen src/services --ts shop-client.ts         from the sources
  $ wservice describe --json > shop.json && wservice codegen --from shop.json --python shop.py`,
    )
    .action((paths: string[], flags: CodegenFlags) => codegen(paths, flags));
}

async function codegen(paths: string[], flags: CodegenFlags): Promise<void> {
  if (flags.ts === undefined && flags.python === undefined) {
    throw new ConfigError('say what to write: --ts <file>, --python <file>, or both');
  }
  const read = await descriptions(paths, flags);
  if (read === undefined) return;
  const wanted = flags.service;
  const chosen = wanted === undefined ? read.list : read.list.filter((d) => wanted.includes(d.service));
  const missing = (wanted ?? []).filter((name) => !chosen.some((d) => d.service === name));
  if (missing.length > 0) {
    throw new ConfigError(
      `no service ${missing.join(', ')} in ${read.origin} (found: ${read.list.map((d) => d.service).join(', ') || 'none'})`,
    );
  }
  if (chosen.length === 0) throw new ConfigError(`no services in ${read.origin}`);
  const c = colour(process.stdout);
  const write = (file: string, text: string): void => {
    const full = resolve(file);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
    process.stdout.write(`wrote ${file}\n`);
  };
  if (flags.ts !== undefined) write(flags.ts, typescriptClient(chosen, read.origin));
  if (flags.python !== undefined) write(flags.python, pythonClient(chosen, read.origin));
  for (const d of chosen) for (const w of d.warnings) process.stdout.write(`${c('yellow', `! ${w}`)}\n`);
}

async function descriptions(
  paths: string[],
  flags: CodegenFlags,
): Promise<{ list: ServiceDescription[]; origin: string } | undefined> {
  if (flags.from !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(flags.from, 'utf8'));
    } catch (err) {
      throw new ConfigError(`${flags.from}: ${(err as Error).message}`, { file: flags.from });
    }
    return { list: readDescriptions(parsed, flags.from), origin: flags.from };
  }
  if (paths.length > 0) {
    const list = describeClasses(discoverServices(paths).map((s) => s.target));
    return { list, origin: paths.join(', ') };
  }
  const client = await connectWithFlags(flags, false);
  try {
    const { url, realm } = routerTarget(flags);
    return {
      list: readDescriptions(await client.call('wservice.describe')),
      origin: `${url} (realm ${realm})`,
    };
  } catch (err) {
    if (!(err instanceof WampError)) throw err;
    reportWampError(err);
    return undefined;
  } finally {
    await client.close().catch(() => undefined);
  }
}
