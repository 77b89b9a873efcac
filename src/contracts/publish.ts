import type { Connection } from '../client/connection';
import { exactRegistrations } from '../client/meta-registrations';
import type { Logger } from '../logger';
import { ErrorUri, RemoteError } from '../protocol/errors';
import type { ServiceContainer } from '../service/container';
import { DESCRIBE_PREFIX, describeService, type ServiceDescription } from './describe';

/**
 * Registers, on each service's own session, `<service>.describe` (unless the service has a
 * procedure of that name) and `wservice.describe.<service>`, and once per runner the shared
 * `wservice.describe([service])`, which answers for every service on the router by finding
 * the `wservice.describe.*` procedures in its registration meta API. All are shared
 * registrations (`roundrobin`), so instances, runners and processes can each offer them.
 */
export async function publishContracts(
  containers: readonly ServiceContainer[],
  logger: Logger,
): Promise<void> {
  const descriptions = new Map<object, ServiceDescription>();
  for (const container of containers) {
    let description = descriptions.get(container.definition);
    if (description === undefined) {
      description = describeService(container.definition);
      descriptions.set(container.definition, description);
    }
    const answer = description;
    const own = `${container.name}.describe`;
    const procedures = [
      ...(container.definition.rpcs.some((r) => r.uri === own) ? [] : [own]),
      `${DESCRIBE_PREFIX}.${container.name}`,
    ];
    await Promise.all(procedures.map((p) => register(container.connection, p, () => answer, logger)));
  }
  if (containers.length > 0) {
    const connection = containers[0].connection;
    await register(connection, DESCRIBE_PREFIX, (args) => describeAll(connection, args[0]), logger);
  }
}

async function register(
  connection: Connection,
  procedure: string,
  handler: (args: unknown[]) => unknown,
  logger: Logger,
): Promise<void> {
  try {
    await connection.register(procedure, (args) => handler(args), { invoke: 'roundrobin' });
  } catch (err) {
    // A router may refuse it (permissions, another policy): the services still run.
    const hint =
      err instanceof RemoteError && err.uri === ErrorUri.NOT_AUTHORIZED
        ? ' (the session needs a role that may register it: `wservice keys`, docs/router.md "Service ownership")'
        : '';
    logger.warn({ err, procedure }, `could not publish ${procedure}: ${(err as Error).message}${hint}`);
  }
}

/** `wservice.describe(service?)`: one service's description, or `{ services: { name: ... } }`. */
async function describeAll(connection: Connection, service: unknown): Promise<unknown> {
  if (typeof service === 'string' && service !== '') {
    return (await connection.call(`${DESCRIBE_PREFIX}.${service}`)).args[0];
  }
  const uris = (await exactRegistrations(connection)).map((r) => r.uri);
  const services: Record<string, unknown> = {};
  const prefix = `${DESCRIBE_PREFIX}.`;
  await Promise.all(
    uris
      .filter((uri) => uri.startsWith(prefix))
      .sort()
      .map(async (uri) => {
        try {
          services[uri.slice(prefix.length)] = (await connection.call(uri)).args[0];
        } catch {
          // Gone between the listing and the call.
        }
      }),
  );
  return { services: Object.fromEntries(Object.entries(services).sort(([a], [b]) => a.localeCompare(b))) };
}
