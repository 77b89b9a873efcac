import type { DependencyContainer, InjectionToken } from 'tsyringe';
import type { Connection } from '../client/connection';
import { createServiceProxy, proxyCallOptions, type ProxyCall } from '../client/proxy';
import { declaringFile } from '../contracts/source-file';
import type { ServiceClass } from './definition';
import { correlationOption } from './events';
import { isServiceClass, readServiceDefinition } from './metadata';
import type { ServiceTracer } from './tracing';

/**
 * A proxy call from inside a service: the current call's correlation id travels with it, and
 * with a tracer a CLIENT span whose context the callee continues (an error whose URI has a
 * registered class comes back as that class, as from any call).
 */
export function serviceProxyCall(connection: Connection, tracer?: ServiceTracer): ProxyCall {
  if (tracer === undefined) {
    return (procedure, args, options) =>
      connection.callForValue(procedure, args, undefined, proxyCallOptions(options, correlationOption()));
  }
  return (procedure, args, options) => {
    const outbound = tracer.call(procedure);
    const custom = { ...correlationOption(), ...outbound.custom };
    return tracer.around(outbound, async () =>
      connection.callForValue(procedure, args, undefined, proxyCallOptions(options, custom)),
    );
  };
}

// ---------------------------------------------------------------------------------------
// Injection

const TOKEN_PREFIX = 'wservice:rpc-proxy:';
/** Every service a proxy was asked for, by name, with its class when given one. */
const requested = new Map<string, ServiceClass | undefined>();
/** The files that asked for a proxy by name (start-up warns when no loaded class is that service). */
const requestedBy = new Map<string, Set<string>>();

/**
 * The injection token of a typed proxy to another service, by name or by class. With the
 * class, methods with a custom `@Rpc(uri)` are called at that URI too; with a name, every
 * method is called at `<name>.<method>` (use a type-only import of the class for the types).
 *
 * @example constructor(@Inject(rpcProxy('payments')) private readonly payments: ServiceProxy<PaymentsService>) {}
 */
export function rpcProxy(service: string | ServiceClass): InjectionToken<unknown> {
  if (typeof service === 'string') {
    if (!requested.has(service)) requested.set(service, undefined);
    const file = declaringFile();
    if (file !== undefined) requestedBy.set(service, (requestedBy.get(service) ?? new Set()).add(file));
    return TOKEN_PREFIX + service;
  }
  const className = service.name;
  if (!isServiceClass(service)) {
    throw new TypeError(`rpcProxy(${className}): the class is not decorated with @Service`);
  }
  const { name } = readServiceDefinition(service);
  requested.set(name, service);
  return TOKEN_PREFIX + name;
}

/** The names of every service a proxy was asked for so far. */
export function requestedProxies(): string[] {
  return [...requested.keys()];
}

/** The services asked for by name with `rpcProxy('name')`, and the files that asked. */
export function proxiesRequestedByName(): ReadonlyMap<string, ReadonlySet<string>> {
  return requestedBy;
}

/**
 * Registers a factory for every proxy token asked for so far; `callFor(service)` makes the
 * calls of that service's proxy (a service's connection, or the test kit's refusal).
 */
export function registerProxies(di: DependencyContainer, callFor: (service: string) => ProxyCall): void {
  for (const [name, target] of requested) {
    const uriOf = resolverFor(name, target);
    const call = callFor(name);
    di.register(TOKEN_PREFIX + name, { useFactory: () => createServiceProxy(uriOf, call) });
  }
}

function resolverFor(name: string, target: ServiceClass | undefined): (method: string) => string {
  if (!target) return (method) => `${name}.${method}`;
  const custom = new Map(readServiceDefinition(target).rpcs.map((r) => [r.method, r.uri]));
  return (method) => custom.get(method) ?? `${name}.${method}`;
}
