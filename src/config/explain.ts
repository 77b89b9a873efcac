import { relative } from 'node:path';
import { loadConfig, readConfigFile, type LoadConfigOptions, type WServiceConfig } from './load';
import { readYamlFile, type YamlFile } from './yaml';

/** Where a configuration value came from, weakest first. */
export type ConfigSource = 'default' | 'env' | 'file' | 'flag';

/** One value of the effective configuration (`wservice show-config`). */
export interface ConfigEntry {
  /** Dotted path: `router.realm`, `services.billing.instances`. */
  readonly key: string;
  /** The value, with secrets masked. */
  readonly value: unknown;
  readonly source: ConfigSource;
  /** The flag, the environment variable, or `file:line` (and the `${VAR}` it was read through). */
  readonly where?: string;
}

/** Keys whose values are credentials: shown masked, wherever they sit. */
const SECRET_KEY = /^(ticket|secret|privatekey|password|token|passphrase)$/i;
export const MASK = '********';

/** What each merged key reads, strongest first: the flag, then the file, then the environment. */
const LAYERED: readonly {
  key: string;
  flag: string;
  file: readonly string[];
  env?: string;
}[] = [
  { key: 'router.url', flag: '--router', file: ['router', 'url'], env: 'WSERVICE_ROUTER' },
  { key: 'router.realm', flag: '--realm', file: ['router', 'realm'], env: 'WSERVICE_REALM' },
  { key: 'logLevel', flag: '--log-level', file: ['logLevel'], env: 'WSERVICE_LOG_LEVEL' },
  { key: 'tracing.enabled', flag: '--tracing', file: ['tracing', 'enabled'], env: 'WSERVICE_TRACING' },
];

const FLAG_VALUES: Record<string, (options: LoadConfigOptions) => unknown> = {
  '--router': (o) => o.flags?.router,
  '--realm': (o) => o.flags?.realm,
  '--log-level': (o) => o.flags?.logLevel,
  '--tracing': (o) => o.flags?.tracing,
};

/**
 * The effective configuration as `wservice run` would use it, one entry per value with where
 * it came from; credentials masked. Throws `ConfigError` as `loadConfig` does.
 */
export function explainConfig(options: LoadConfigOptions = {}): {
  config: WServiceConfig;
  entries: ConfigEntry[];
} {
  const config = loadConfig(options);
  const env = options.env ?? process.env;
  const yaml = config.file === undefined ? undefined : readYamlFile(config.file);
  const cwd = options.cwd ?? process.cwd();
  const fileWhere = (path: readonly PropertyKey[]): string => {
    const line = yaml!.lineOf(path);
    const name = relative(cwd, yaml!.file) || yaml!.file;
    const placeholder = placeholderAt(yaml!, path);
    return `${name}${line === undefined ? '' : `:${line}`}${placeholder === undefined ? '' : ` (${placeholder})`}`;
  };
  const entries: ConfigEntry[] = [];
  const layeredKeys = new Set(LAYERED.map((l) => l.key));
  for (const layer of LAYERED) {
    const value = valueAt(config, layer.key.split('.'));
    let entry: ConfigEntry;
    if (FLAG_VALUES[layer.flag](options) !== undefined)
      entry = { key: layer.key, value, source: 'flag', where: layer.flag };
    else if (yaml !== undefined && valueAt(yaml.value, layer.file) !== undefined)
      entry = { key: layer.key, value, source: 'file', where: fileWhere(layer.file) };
    else if (layer.env !== undefined && nonEmpty(env[layer.env]))
      entry = { key: layer.key, value, source: 'env', where: layer.env };
    else if (layer.key === 'tracing.enabled' && config.tracing.setup !== undefined)
      entry = {
        key: layer.key,
        value,
        source: 'file',
        where: `${fileWhere(['tracing', 'setup'])} (tracing.setup)`,
      };
    else entry = { key: layer.key, value, source: 'default' };
    entries.push(entry);
  }
  // Everything else is the file's own, leaf by leaf.
  if (yaml !== undefined) {
    for (const [path, value] of leaves(readConfigFile(yaml.file, env), [])) {
      const key = path.join('.');
      // A layered key's own leaves (the items of a router.url list) are its entry's value.
      if (path.some((_, i) => layeredKeys.has(path.slice(0, i + 1).join('.')))) continue;
      entries.push({ key, value, source: 'file', where: fileWhere(path) });
    }
  }
  return { config, entries: entries.map(mask) };
}

function mask(entry: ConfigEntry): ConfigEntry {
  const last = entry.key.split('.').pop()!;
  return SECRET_KEY.test(last) && entry.value !== undefined ? { ...entry, value: MASK } : entry;
}

/** Every scalar (and empty list or object) under `value`, with its path. */
function leaves(value: unknown, path: string[]): [string[], unknown][] {
  if (typeof value !== 'object' || value === null) return value === undefined ? [] : [[path, value]];
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return path.length === 0 ? [] : [[path, value]];
  return entries.flatMap(([k, v]) => leaves(v, [...path, k]));
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

/** The `${VAR}` names of the raw file value at `path`, if it was read through any. */
function placeholderAt(yaml: YamlFile, path: readonly PropertyKey[]): string | undefined {
  const raw = valueAt(yaml.value, path);
  if (typeof raw !== 'string') return undefined;
  const names = [...raw.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => `\${${m[1]}}`);
  return names.length === 0 ? undefined : names.join(', ');
}

function nonEmpty(value: string | undefined): boolean {
  return value !== undefined && value !== '';
}
