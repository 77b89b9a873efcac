import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_REALM } from '../defaults';
import { ConfigError } from './errors';
import {
  configSchema,
  type AuthConfig,
  type HttpConfig,
  type LogLevelName,
  type ServiceConfig,
  type TlsConfig,
  type WServiceConfigFile,
} from './schema';
import { substituteEnv } from './substitute';
import { readYamlFile } from './yaml';

/** The files looked for in the working directory, in this order. */
export const CONFIG_FILE_NAMES = [
  'wservice.config.yaml',
  'wservice.config.yml',
  'wservice.config.json',
] as const;

/** Configuration after merging defaults, environment, file and command-line flags. */
export interface WServiceConfig {
  router: {
    /**
     * An external router to join, or several separated by commas (tried in turn with
     * failover); undefined runs the embedded router.
     */
    url?: string;
    realm: string;
    auth?: AuthConfig;
    tls?: TlsConfig;
    /** Options for the embedded router, validated by the router. */
    embedded: Record<string, unknown>;
  };
  services: Record<string, ServiceConfig>;
  /** The HTTP server of `@Http` routes, when the file configures it. */
  http?: HttpConfig;
  logLevel: LogLevelName;
  /** OpenTelemetry spans; off unless the file, `WSERVICE_TRACING` or `--tracing` turn them on. */
  tracing: {
    enabled: boolean;
    /** The SDK set-up module, resolved against the config file's folder. */
    setup?: string;
  };
  /** The file read, if any. */
  file?: string;
}

/** Values given on the command line; they win over the file. */
export interface ConfigFlags {
  /** One router URL, or several separated by commas. */
  router?: string;
  realm?: string;
  logLevel?: LogLevelName;
  tracing?: boolean;
}

export interface LoadConfigOptions {
  /** A file to read; when absent, the first of `CONFIG_FILE_NAMES` found in `cwd`. */
  file?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  flags?: ConfigFlags;
}

/**
 * Reads the configuration. Precedence: command-line flags over the file, the file over the
 * environment (`WSERVICE_ROUTER`, `WSERVICE_REALM`, `WSERVICE_LOG_LEVEL`), the environment over
 * defaults. Inside the file, `${NAME:default}` takes values from the environment.
 * Throws `ConfigError` naming the file, line and key of the first problem.
 */
export function loadConfig(options: LoadConfigOptions = {}): WServiceConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = options.file !== undefined ? resolve(cwd, options.file) : findConfigFile(cwd);
  if (options.file !== undefined && !existsSync(file!)) {
    throw new ConfigError(`config file ${file} does not exist`, { file });
  }
  const fromFile = file !== undefined ? readConfigFile(file, env) : {};
  const flags = options.flags ?? {};
  return {
    router: {
      url: flags.router ?? urlList(fromFile.router?.url) ?? nonEmpty(env.WSERVICE_ROUTER),
      realm: flags.realm ?? fromFile.router?.realm ?? nonEmpty(env.WSERVICE_REALM) ?? DEFAULT_REALM,
      auth: fromFile.router?.auth,
      tls: fromFile.router?.tls,
      embedded: fromFile.router?.embedded ?? {},
    },
    services: fromFile.services ?? {},
    ...(fromFile.http === undefined ? {} : { http: httpConfig(fromFile.http, file) }),
    logLevel: flags.logLevel ?? fromFile.logLevel ?? envLogLevel(env) ?? 'info',
    tracing: tracingConfig(flags, fromFile, env, file),
    file,
  };
}

/** `http:` of the file, its `static` folder relative to the file. */
function httpConfig(http: HttpConfig, file: string | undefined): HttpConfig {
  if (http.static === undefined) return http;
  return { ...http, static: resolve(file === undefined ? '.' : dirname(file), http.static) };
}

function tracingConfig(
  flags: ConfigFlags,
  fromFile: WServiceConfigFile,
  env: NodeJS.ProcessEnv,
  file: string | undefined,
): WServiceConfig['tracing'] {
  const setup = fromFile.tracing?.setup;
  const enabled =
    flags.tracing ??
    fromFile.tracing?.enabled ??
    (setup !== undefined ? true : envFlag(env, 'WSERVICE_TRACING'));
  return {
    enabled: enabled ?? false,
    ...(setup === undefined ? {} : { setup: resolve(file === undefined ? '.' : dirname(file), setup) }),
  };
}

function envFlag(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const value = nonEmpty(env[name]);
  if (value === undefined) return undefined;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ConfigError(`${name}: ${JSON.stringify(value)} is not a boolean (true, false, 1, 0)`);
}

/** The first configuration file in `cwd`, if any. */
export function findConfigFile(cwd: string): string | undefined {
  return CONFIG_FILE_NAMES.map((name) => resolve(cwd, name)).find((path) => existsSync(path));
}

/** Parses, substitutes and validates one file (YAML; JSON is read as the YAML subset it is). */
export function readConfigFile(file: string, env: NodeJS.ProcessEnv): WServiceConfigFile {
  const yaml = readYamlFile(file);
  const lineOf = (path: PropertyKey[]): number | undefined => yaml.lineOf(path);
  const raw = substituteAll(yaml.value ?? {}, env, [], (path) => location(file, lineOf(path), path));
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw issueError(parsed.error.issues[0], file, lineOf);
  return parsed.data;
}

function substituteAll(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: PropertyKey[],
  where: (path: PropertyKey[]) => string,
): unknown {
  if (typeof value === 'string') return substituteEnv(value, env, () => where(path));
  if (Array.isArray(value)) return value.map((item, i) => substituteAll(item, env, [...path, i], where));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substituteAll(v, env, [...path, k], where)]),
    );
  }
  return value;
}

function issueError(
  issue: z.core.$ZodIssue,
  file: string,
  lineOf: (path: PropertyKey[]) => number | undefined,
): ConfigError {
  let path = issue.path;
  let problem = issue.message;
  if (issue.code === 'unrecognized_keys') {
    path = [...issue.path, issue.keys[0]];
    problem = `unknown key (allowed here: ${allowedKeys(issue.path).join(', ')})`;
  }
  const line = lineOf(path) ?? lineOf(issue.path);
  return new ConfigError(`${location(file, line, path)}: ${problem}`, { file, line, key: keyName(path) });
}

/** The keys the schema allows at `path`, for "unknown key" errors. */
function allowedKeys(path: PropertyKey[]): string[] {
  let schema: z.ZodType | undefined = configSchema;
  for (const key of [...path, undefined]) {
    if (schema instanceof z.ZodOptional) schema = schema.unwrap() as z.ZodType;
    if (key === undefined) break;
    if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    else if (schema instanceof z.ZodObject) schema = (schema.shape as Record<string, z.ZodType>)[String(key)];
  }
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function location(file: string, line: number | undefined, path: PropertyKey[]): string {
  return `${file}${line !== undefined ? `:${line}` : ''}: ${keyName(path) || '(top level)'}`;
}

function keyName(path: PropertyKey[]): string {
  return path.map(String).join('.');
}

/** A list of router URLs from the file, as one string (commas between). */
function urlList(url: string | string[] | undefined): string | undefined {
  return Array.isArray(url) ? url.join(',') : url;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function envLogLevel(env: NodeJS.ProcessEnv): LogLevelName | undefined {
  const level = nonEmpty(env.WSERVICE_LOG_LEVEL);
  if (level === undefined) return undefined;
  const parsed = configSchema.shape.logLevel.safeParse(level);
  if (!parsed.success) {
    throw new ConfigError(
      `WSERVICE_LOG_LEVEL: ${JSON.stringify(level)} is not a log level (trace, debug, info, warn, error, fatal, silent)`,
    );
  }
  return parsed.data;
}
