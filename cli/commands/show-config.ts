import { Command } from 'commander';
import { explainConfig, type ConfigEntry } from '../../src/config/explain';
import { logLevelOption, type LogLevelSpec } from '../logging';
import { routerOption } from '../router-flags';
import { colour } from '../style';

interface ShowConfigFlags {
  config?: string;
  router?: string;
  realm?: string;
  logLevel?: LogLevelSpec;
  tracing?: boolean;
  json?: boolean;
}

/** `wservice show-config`: the configuration `wservice run` would use, and where each value came from. */
export function showConfigCommand(): Command {
  return new Command('show-config')
    .description('print the effective configuration of wservice run, with where each value came from')
    .option('--config <file>', 'configuration file (default ./wservice.config.yaml|yml|json if present)')
    .addOption(routerOption('as wservice run --router'))
    .option('--realm <realm>', 'as wservice run --realm')
    .addOption(logLevelOption('as wservice run --log-level'))
    .option('--tracing', 'as wservice run --tracing')
    .option('--json', 'print the entries as JSON')
    .addHelpText(
      'after',
      `
Each value comes from a flag, the config file (with its line, and the \${VAR} it was read
through), the environment (WSERVICE_ROUTER, WSERVICE_REALM, WSERVICE_LOG_LEVEL,
WSERVICE_TRACING) or the defaults. Tickets, secrets and private keys are masked.

Examples:
  $ wservice show-config
  $ WSERVICE_REALM=prod wservice show-config --config deploy/wservice.config.yaml
  $ wservice show-config --json`,
    )
    .action((flags: ShowConfigFlags) => showConfig(flags));
}

function showConfig(flags: ShowConfigFlags): void {
  const { config, entries } = explainConfig({
    file: flags.config,
    flags: {
      router: flags.router,
      realm: flags.realm,
      logLevel: flags.logLevel?.level,
      tracing: flags.tracing,
    },
  });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ file: config.file ?? null, entries }, null, 2)}\n`);
    return;
  }
  process.stdout.write(renderEntries(config.file, entries));
}

/** One line per value: key, value, source; aligned. */
export function renderEntries(file: string | undefined, entries: readonly ConfigEntry[]): string {
  const c = colour(process.stdout);
  const shown = entries.map((e) => ({ ...e, text: display(e) }));
  const keyWidth = Math.max(...shown.map((e) => e.key.length));
  const valueWidth = Math.min(48, Math.max(...shown.map((e) => e.text.length)));
  const lines = [
    file === undefined
      ? c('dim', 'no config file: defaults, environment and flags')
      : `${c('bold', 'config')} ${file}`,
    '',
  ];
  for (const e of shown) {
    const source = e.where === undefined ? e.source : `${e.source} ${e.where}`;
    lines.push(`${c('green', e.key.padEnd(keyWidth))}  ${e.text.padEnd(valueWidth)}  ${c('dim', source)}`);
  }
  return `${lines.join('\n')}\n`;
}

function display({ key, value }: ConfigEntry): string {
  if (value === undefined) return key === 'router.url' ? '(none: the embedded router)' : '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
