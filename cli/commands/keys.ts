import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { Command } from 'commander';
import { stringify } from 'yaml';
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_REALM, DEFAULT_WEBSOCKET_PATH } from '../../src/defaults';
import { generateSeed, publicKeyHex } from '../../src/protocol/auth/cryptosign';
import { DEFAULT_ANONYMOUS_ROLE } from '../../src/router/auth';
import { validateRouterOptions, type RoleOptions, type RouterOptions } from '../../src/router/options';
import { CREDENTIALS_DIR, keyFile, readServiceCredentials } from '../../src/service/credentials';
import type { ServiceDefinition } from '../../src/service/definition';
import { readServiceDefinition } from '../../src/service/metadata';
import { CLIENT_PERMISSIONS, servicePermissions } from '../../src/service/service-role';
import { discoverServices } from '../discover';
import { ScaffoldError } from '../scaffold';
import { colour } from '../style';

interface KeysFlags {
  realm?: string;
  out: string;
  dir: string;
}

/** `wservice keys <paths...>`: a key per service and a router config that gives each its URIs. */
export function keysCommand(): Command {
  return new Command('keys')
    .description(
      'give each service its own key and write a router config where only it may register its URIs',
    )
    .argument('<paths...>', 'files or folders holding the @Service classes (as for wservice run)')
    .option('--realm <realm>', `the realm (default WSERVICE_REALM, else ${DEFAULT_REALM})`)
    .option('--out <file>', 'the router config to write', 'router.yaml')
    .option('--dir <folder>', "the services' key files (<service>.key, git-ignored)", CREDENTIALS_DIR)
    .addHelpText(
      'after',
      `
Each service gets an Ed25519 key in <folder>/<service>.key (kept when it exists; the folder
ignores itself in git). The router config lists the public keys (authmethod cryptosign,
authid and role = the service name) and a role per service that alone may register the
service's namespace, its other @Rpc URIs and its pool procedures; anonymous clients may
call, subscribe and publish, never register. Running it again after adding a service or a
procedure rewrites the config (keep your own edits elsewhere, or re-apply them).

Examples:
  $ wservice keys src/services
  $ wservice router --config router.yaml
  $ wservice run src/services --router ws://127.0.0.1:8080/ws     each service signs in with its key
  $ WSERVICE_ORDERS_PRIVATE_KEY=$(cat credentials/orders.key) wservice run dist/services --router ...`,
    )
    .action((paths: string[], flags: KeysFlags) => writeKeys(paths, flags));
}

function writeKeys(paths: string[], flags: KeysFlags): void {
  const cwd = process.cwd();
  const dir = resolve(cwd, flags.dir);
  const definitions = uniqueByName(discoverServices(paths, cwd).map((s) => readServiceDefinition(s.target)));
  const c = colour(process.stdout);
  mkdirSync(dir, { recursive: true });
  // The keys are secrets: the folder keeps itself out of git wherever it is.
  writeFileSync(resolve(dir, '.gitignore'), '*\n');
  const keys = new Map<string, string>();
  for (const definition of definitions) {
    const file = keyFile(dir, definition.name);
    const shown = relative(cwd, file);
    const existing = readServiceCredentials(definition.name, { dir, env: {} })?.privateKey;
    const seed = existing ?? generateSeed();
    if (existing === undefined) {
      writeFileSync(file, `${seed}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
    }
    keys.set(definition.name, publicKeyHex(seed));
    process.stdout.write(`${c('green', existing === undefined ? 'created' : 'kept')} ${shown}\n`);
  }
  const realm = flags.realm ?? nonEmpty(process.env.WSERVICE_REALM) ?? DEFAULT_REALM;
  const options = serviceRouterOptions(realm, definitions, keys);
  const out = resolve(cwd, flags.out);
  writeFileSync(out, routerFile(options, paths));
  process.stdout.write(`${c('green', 'wrote')} ${relative(cwd, out)}\n`);
}

/**
 * A router for these services: one WebSocket listener on loopback, anonymous clients of role
 * `anonymous` (`CLIENT_PERMISSIONS`), each service by its public key in a role of its own.
 */
export function serviceRouterOptions(
  realm: string,
  definitions: readonly ServiceDefinition[],
  publicKeys: ReadonlyMap<string, string>,
): RouterOptions {
  const principals = Object.fromEntries(
    definitions.map((d) => [d.name, { authorizedKeys: [publicKeys.get(d.name)!], role: d.name }]),
  );
  const roles: RoleOptions[] = [
    { name: DEFAULT_ANONYMOUS_ROLE, permissions: [...CLIENT_PERMISSIONS] },
    ...definitions.map((d) => ({ name: d.name, permissions: servicePermissions(d) })),
  ];
  return validateRouterOptions({
    listeners: [{ type: 'websocket', host: DEFAULT_HOST, port: DEFAULT_PORT, path: DEFAULT_WEBSOCKET_PATH }],
    realms: [
      {
        name: realm,
        auth: { anonymous: { role: DEFAULT_ANONYMOUS_ROLE }, cryptosign: { principals } },
        roles,
      },
    ],
  });
}

function routerFile(options: RouterOptions, paths: string[]): string {
  return (
    `# Written by \`wservice keys ${paths.join(' ')}\`; running it again rewrites this file.\n` +
    '# Serve it with `wservice router --config <this file>` (docs/security.md).\n' +
    stringify(options, { lineWidth: 0 })
  );
}

function uniqueByName(definitions: ServiceDefinition[]): ServiceDefinition[] {
  const byName = new Map<string, ServiceDefinition>();
  for (const d of definitions) {
    if (d.name === DEFAULT_ANONYMOUS_ROLE)
      throw new ScaffoldError(`a service named "${d.name}" would share the role of anonymous clients`);
    if (!byName.has(d.name)) byName.set(d.name, d);
  }
  return [...byName.values()];
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
