import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuthOptions } from '../client/auth';
import { ServiceOptionsError } from './runtime-errors';

/** The folder of the services' key files in a project (`wservice keys` writes it; git-ignored). */
export const CREDENTIALS_DIR = 'credentials';

/** Where each service finds its own credential when it joins a standalone router. */
export interface CredentialSources {
  /** The folder holding `<service>.key` files. Default `credentials` (of the working directory). */
  dir?: string;
  /** Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** The environment variables of a service's credential: `WSERVICE_<NAME>_PRIVATE_KEY` and `_SECRET`. */
export function credentialVariables(service: string): { privateKey: string; secret: string } {
  const stem = `WSERVICE_${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
  return { privateKey: `${stem}_PRIVATE_KEY`, secret: `${stem}_SECRET` };
}

/** The path of a service's key file under `dir`. */
export function keyFile(dir: string, service: string): string {
  return join(dir, `${service}.key`);
}

/**
 * A service's own credential, authid = the service name: a cryptosign seed from
 * `WSERVICE_<NAME>_PRIVATE_KEY`, else a WAMP-CRA secret from `WSERVICE_<NAME>_SECRET`, else the
 * seed in `<dir>/<name>.key` (64 hex characters). Undefined when there is none.
 * Throws `ServiceOptionsError` for a malformed seed, naming where it came from.
 *
 * @example readServiceCredentials('orders')   // { authid: 'orders', privateKey: '9f3c…' }
 */
export function readServiceCredentials(
  service: string,
  sources: CredentialSources = {},
): AuthOptions | undefined {
  const env = sources.env ?? process.env;
  const names = credentialVariables(service);
  const fromEnv = env[names.privateKey];
  if (fromEnv !== undefined && fromEnv !== '') return seed(service, fromEnv, names.privateKey);
  const secret = env[names.secret];
  if (secret !== undefined && secret !== '') return { authid: service, secret };
  const file = keyFile(sources.dir ?? CREDENTIALS_DIR, service);
  if (!existsSync(file)) return undefined;
  return seed(service, readFileSync(file, 'utf8').trim(), file);
}

function seed(service: string, value: string, where: string): AuthOptions {
  if (!/^[0-9a-fA-F]{64}$/.test(value)) {
    throw new ServiceOptionsError(
      `${where}: the key of service "${service}" must be 64 hex characters (an Ed25519 seed)`,
    );
  }
  return { authid: service, privateKey: value };
}
