import { DESCRIBE_PREFIX } from '../contracts/describe';
import type { PermissionActions, PermissionOptions } from '../router/options';
import type { ServiceDefinition } from './definition';
import { poolProcedure, singletonProcedure } from './entrypoints/subscribe';

const USE: PermissionActions = { call: true, subscribe: true, publish: true };
const OWN: PermissionActions = { call: true, register: true, subscribe: true, publish: true };
const PROCEDURE: PermissionActions = { call: true, register: true };

/**
 * The rules every client keeps on a standalone router set up for services: call, subscribe
 * and publish application URIs and read the registration and subscription meta API, as
 * `DEFAULT_PERMISSIONS` say, but register nothing (the services' roles hold that).
 */
export const CLIENT_PERMISSIONS: readonly PermissionOptions[] = Object.freeze([
  { uri: '', match: 'prefix', allow: USE },
  { uri: 'wamp.', match: 'prefix', allow: { call: true, subscribe: true } },
  { uri: 'wamp.session.', match: 'prefix', allow: {} },
  { uri: 'wamp.session.count', allow: { call: true } },
  { uri: 'wservice.', match: 'prefix', allow: USE },
]);

/**
 * The rules of a service's own role on a standalone router (`wservice keys` writes them): what
 * every client may do (`CLIENT_PERMISSIONS`), and registering exactly what the service
 * registers: its namespace (`<name>.`), its `@Rpc` URIs outside it (in their match mode), the
 * procedures of its pool and singleton handlers and its contract procedures. No other role
 * gets these, so nobody else can answer its calls or join its shared registrations.
 */
export function servicePermissions(definition: ServiceDefinition): PermissionOptions[] {
  const { name } = definition;
  const namespace = `${name}.`;
  const own = new Map<string, PermissionOptions>();
  const add = (uri: string, match: PermissionOptions['match'], allow: PermissionActions): void => {
    own.set(`${match} ${uri}`, { uri, match, allow });
  };
  // A rule for a custom URI is the most specific one there: it keeps what `''` allows too.
  for (const rpc of definition.rpcs) if (!rpc.uri.startsWith(namespace)) add(rpc.uri, rpc.options.match, OWN);
  for (const s of definition.subscriptions) {
    if (s.options.delivery === 'pool') add(poolProcedure(name, s.topic), 'exact', PROCEDURE);
    if (s.options.delivery === 'singleton') add(singletonProcedure(s.topic), 'exact', PROCEDURE);
  }
  add(`${DESCRIBE_PREFIX}.${name}`, 'exact', PROCEDURE);
  // Shared by every runner on the router: any service may offer the aggregate description.
  add(DESCRIBE_PREFIX, 'exact', PROCEDURE);
  return [...CLIENT_PERMISSIONS, { uri: namespace, match: 'prefix', allow: OWN }, ...own.values()];
}
