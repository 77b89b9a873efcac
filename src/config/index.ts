export { loadConfig, findConfigFile, readConfigFile, CONFIG_FILE_NAMES } from './load';
export type { WServiceConfig, ConfigFlags, LoadConfigOptions } from './load';
export { ConfigError } from './errors';
export { readYamlFile, type YamlFile } from './yaml';
export { DEFAULT_REALM, DEFAULT_ROUTER_URL } from '../defaults';
export type { AuthConfig, TlsConfig, ServiceConfig, LogLevelName, WServiceConfigFile } from './schema';
