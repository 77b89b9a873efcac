import type { Logger } from '../logger';
import type { ServiceDefinition } from './definition';
import { routeKey } from './http/routes';
import { ServiceDefinitionError } from './metadata';
import { proxiesRequestedByName } from './proxy';

/**
 * What start-up refuses across the services it runs together: two classes with one service
 * name (instances of one class are fine), two services claiming one procedure. A proxy by name
 * to a service no loaded class declares is only a warning: it may run elsewhere.
 */
export function checkConflicts(definitions: readonly ServiceDefinition[], logger: Logger): void {
  const problems: string[] = [];
  const byName = new Map<string, ServiceDefinition>();
  for (const d of definitions) {
    const other = byName.get(d.name);
    if (other === undefined) byName.set(d.name, d);
    else if (other.target !== d.target) {
      problems.push(
        `two service classes are named '${d.name}': ${where(other)} and ${where(d)} (rename one, or run one class with instances)`,
      );
    }
  }
  const byUri = new Map<string, { definition: ServiceDefinition; method: string }>();
  for (const d of new Set(byName.values())) {
    for (const rpc of d.rpcs) {
      const key = `${rpc.options.match} ${rpc.uri}`;
      const other = byUri.get(key);
      if (other !== undefined && other.definition.target !== d.target) {
        problems.push(
          `procedure ${rpc.uri} is claimed by two services: ${where(other.definition, other.method)} and ${where(d, rpc.method)}`,
        );
      } else byUri.set(key, { definition: d, method: rpc.method });
    }
  }
  const byRoute = new Map<string, { definition: ServiceDefinition; method: string }>();
  for (const d of new Set(byName.values())) {
    for (const route of d.routes) {
      const key = routeKey(route.httpMethod, route.path);
      const other = byRoute.get(key);
      if (other !== undefined && other.definition.target !== d.target) {
        problems.push(
          `HTTP route ${route.httpMethod} ${route.path} is claimed by two services: ${where(other.definition, other.method)} and ${where(d, route.method)}`,
        );
      } else byRoute.set(key, { definition: d, method: route.method });
    }
  }
  if (problems.length > 0) throw new ServiceDefinitionError(problems.join('\n'));
  const files = new Set(definitions.map((d) => d.file));
  for (const [service, askers] of proxiesRequestedByName()) {
    if (byName.has(service)) continue;
    for (const file of askers) {
      if (files.has(file)) {
        logger.warn(
          `rpcProxy('${service}') in ${file}: no loaded class declares service '${service}' (it may run elsewhere)`,
        );
      }
    }
  }
}

function where(d: ServiceDefinition, method?: string): string {
  return `${d.target.name}${method === undefined ? '' : `.${method}`} (${d.file ?? 'file unknown'})`;
}
