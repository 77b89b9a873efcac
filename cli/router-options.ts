import { resolve } from 'node:path';
import { ConfigError, readYamlFile, type YamlFile } from '../src/config';
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_REALM, DEFAULT_WEBSOCKET_PATH } from '../src/defaults';
import {
  RouterOptionsError,
  validateRouterOptions,
  type ListenerOptions,
  type RealmOptions,
  type RouterOptions,
} from '../src/router';

/** Where `wservice router` listens and what it serves when neither flags nor file say. */
export const ROUTER_DEFAULTS = {
  host: DEFAULT_HOST,
  port: DEFAULT_PORT,
  path: DEFAULT_WEBSOCKET_PATH,
  realm: DEFAULT_REALM,
} as const;

/** What the start-up lines of `wservice run` and `wservice router` say of a `permissive` router. */
export const PERMISSIVE_LINE =
  'permissive: every client may do everything, the meta API included (development only; docs/router.md)';

/** The flags of `wservice router` that shape the router's options; they win over the file. */
export interface RouterCommandFlags {
  /** Interface of every TCP listener. */
  host?: string;
  /** Port of the (first) WebSocket listener. */
  port?: number;
  /** URL path of the (first) WebSocket listener. */
  path?: string;
  /** A realm to serve (added to the file's realms when it is not among them). */
  realm?: string;
  /** Port of the (first) TCP RawSocket listener, which is added when the file has none. */
  rawsocketPort?: number;
  /** A YAML or JSON file holding `RouterOptions`. */
  config?: string;
}

/** Router options read from a file: the options, and the file to point at when they are wrong. */
export interface RouterOptionsSource {
  options: RouterOptions;
  file?: YamlFile;
}

/**
 * The options `wservice router` starts with: the file's (validated, errors naming file, line
 * and key), then the flags over them, then the defaults (`ws://127.0.0.1:8080/ws`, realm
 * `WSERVICE_REALM` or `realm1`).
 */
export function routerOptionsFor(
  flags: RouterCommandFlags,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): RouterOptionsSource {
  const file = flags.config === undefined ? undefined : readYamlFile(resolve(cwd, flags.config));
  const fromFile = file === undefined ? {} : validateIn(file);
  return { options: withFlags(fromFile, flags, env), file };
}

/**
 * A `RouterOptionsError` about options that came from `file`, as a `ConfigError` naming the
 * file, the line and the key; other errors as they are.
 */
export function inFile(error: unknown, file: YamlFile | undefined): unknown {
  if (!(error instanceof RouterOptionsError) || file === undefined) return error;
  const line = file.lineOf(error.path);
  const where = line === undefined ? file.file : `${file.file}:${line}`;
  return new ConfigError(`${where}: ${error.key}: ${error.problem}`, {
    file: file.file,
    line,
    key: error.key,
  });
}

function validateIn(file: YamlFile): RouterOptions {
  try {
    return validateRouterOptions(file.value ?? {});
  } catch (error) {
    throw inFile(error, file);
  }
}

/** The flags applied over `options`. Listeners keep their places, so file positions stay right. */
function withFlags(options: RouterOptions, flags: RouterCommandFlags, env: NodeJS.ProcessEnv): RouterOptions {
  return {
    ...options,
    listeners: listenersWith(options.listeners, flags),
    realms: realmsWith(options, flags, env),
  };
}

function listenersWith(
  fromFile: readonly ListenerOptions[] | undefined,
  flags: RouterCommandFlags,
): ListenerOptions[] {
  const host = flags.host === undefined ? {} : { host: flags.host };
  // --host is the interface of every TCP listener; unix sockets have none.
  const listeners = (fromFile ?? []).map((l) =>
    l.type === 'rawsocket' && l.path !== undefined ? l : { ...l, ...host },
  );
  const webSocketFlags = { ...defined({ port: flags.port, path: flags.path }) };
  const webSocket = listeners.findIndex((l) => l.type === 'websocket');
  if (webSocket >= 0) {
    listeners[webSocket] = { ...listeners[webSocket], ...webSocketFlags } as ListenerOptions;
  } else if (fromFile === undefined || fromFile.length === 0 || Object.keys(webSocketFlags).length > 0) {
    listeners.push({
      type: 'websocket',
      host: flags.host ?? ROUTER_DEFAULTS.host,
      port: flags.port ?? ROUTER_DEFAULTS.port,
      path: flags.path ?? ROUTER_DEFAULTS.path,
    });
  }
  if (flags.rawsocketPort !== undefined) {
    const rawSocket = listeners.findIndex((l) => l.type === 'rawsocket' && l.path === undefined);
    if (rawSocket >= 0) listeners[rawSocket] = { ...listeners[rawSocket], port: flags.rawsocketPort };
    else
      listeners.push({
        type: 'rawsocket',
        host: flags.host ?? ROUTER_DEFAULTS.host,
        port: flags.rawsocketPort,
      });
  }
  return listeners;
}

/**
 * `--realm` adds its realm unless the file lists it; without `--realm` and without realms in
 * the file, the router serves `WSERVICE_REALM` or `realm1`, as Crossbar.io's default node does.
 */
function realmsWith(
  options: RouterOptions,
  flags: RouterCommandFlags,
  env: NodeJS.ProcessEnv,
): RealmOptions[] {
  const realms = options.realms ?? [];
  const name =
    flags.realm ??
    (realms.length === 0 ? (nonEmpty(env.WSERVICE_REALM) ?? ROUTER_DEFAULTS.realm) : undefined);
  if (name === undefined || realms.some((r) => r.name === name)) return [...realms];
  return [...realms, { name }];
}

function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
