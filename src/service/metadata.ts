import 'reflect-metadata';
import { ErrorCode, WServiceError } from '../errors';
import { isReservedUri, isValidUri } from '../protocol/uri';
import { loadContract } from '../contracts/load';
import { isStandardSchema } from '../contracts/standard-schema';
import type { MethodContract, ServiceContract } from '../contracts/types';
import { buildParameters } from './arguments';
import {
  DEFAULT_INVOKE,
  DEFAULT_MAX_CONCURRENCY,
  DEFAULT_MAX_QUEUED,
  DEFAULT_STOP_TIMEOUT,
  EVENT_DELIVERIES,
} from './constants';
import { checkRoute, routeKey } from './http/routes';
import type {
  EntrypointDefinition,
  ParameterDefinition,
  Refinements,
  HttpDefinition,
  HttpMethod,
  HttpOptions,
  RpcDefinition,
  RpcOptions,
  ServiceClass,
  ServiceDefinition,
  ServiceOptions,
  SubscribeDefinition,
  SubscribeOptions,
  TimerDefinition,
  TimerOptions,
} from './definition';

/**
 * The one place that reads and writes decorator metadata. Decorators record what they were
 * told; `readServiceDefinition` validates it and returns a plain `ServiceDefinition`.
 */

// Symbol.for: two copies of wservice in one process (a global CLI, a local package) still agree.
const SERVICE_KEY = Symbol.for('wservice:service');
const ENTRYPOINTS_KEY = Symbol.for('wservice:entrypoints');

type RecordedEntrypoint =
  | { kind: 'rpc'; method: string; uri?: string; options: RpcOptions }
  | { kind: 'subscribe'; method: string; topic: string; options: SubscribeOptions }
  | { kind: 'timer'; method: string; interval: number; options: TimerOptions }
  | { kind: 'http'; method: string; httpMethod: HttpMethod; path: string; options: HttpOptions };

/** A mistake in a service class, found at start-up; the message names the class and method. */
export class ServiceDefinitionError extends WServiceError {
  readonly code = ErrorCode.SERVICE_DEFINITION;

  constructor(message: string) {
    super(message);
    this.name = 'ServiceDefinitionError';
  }
}

interface RecordedService {
  name: string;
  options: ServiceOptions;
  /** The file that declared the class (read from the stack while `@Service` ran). */
  file?: string;
}

export function recordService(
  target: ServiceClass,
  name: string,
  options: ServiceOptions,
  file: string | undefined,
): void {
  Reflect.defineMetadata(SERVICE_KEY, { name, options, file } satisfies RecordedService, target);
}

export function recordEntrypoint(prototype: object, entry: RecordedEntrypoint): void {
  const target = prototype.constructor;
  const own: RecordedEntrypoint[] = Reflect.getOwnMetadata(ENTRYPOINTS_KEY, target) ?? [];
  Reflect.defineMetadata(ENTRYPOINTS_KEY, [...own, entry], target);
}

/** True when `target` carries `@Service`. */
export function isServiceClass(target: unknown): target is ServiceClass {
  return typeof target === 'function' && Reflect.hasOwnMetadata(SERVICE_KEY, target);
}

/** Entrypoints declared on `target` and its base classes, base first. */
function recordedEntrypoints(target: ServiceClass): RecordedEntrypoint[] {
  const chain: RecordedEntrypoint[][] = [];
  for (let c: unknown = target; typeof c === 'function' && c !== Function.prototype;) {
    chain.unshift(Reflect.getOwnMetadata(ENTRYPOINTS_KEY, c) ?? []);
    c = Object.getPrototypeOf(c);
  }
  return chain.flat();
}

/** Reads, validates and completes everything the decorators recorded on `target`. */
export function readServiceDefinition(target: ServiceClass): ServiceDefinition {
  const recorded = Reflect.getOwnMetadata(SERVICE_KEY, target) as RecordedService | undefined;
  const className = target.name || '<anonymous class>';
  if (!recorded) {
    throw new ServiceDefinitionError(`${className} is not a service: decorate it with @Service('name')`);
  }
  const { name, options, file } = recorded;
  if (typeof name !== 'string' || !isValidUri(name)) {
    throw new ServiceDefinitionError(
      `${className}: @Service needs a name that is a valid URI (like 'orders'), got ${JSON.stringify(name)}`,
    );
  }
  const definition: ServiceDefinition = {
    name,
    target,
    options: {
      maxConcurrency: positiveInteger(
        options.maxConcurrency,
        DEFAULT_MAX_CONCURRENCY,
        `${className} maxConcurrency`,
      ),
      maxQueued: nonNegativeInteger(options.maxQueued, DEFAULT_MAX_QUEUED, `${className} maxQueued`),
      stopTimeout: nonNegativeInteger(options.stopTimeout, DEFAULT_STOP_TIMEOUT, `${className} stopTimeout`),
      providers: options.providers ?? [],
      coerce: options.coerce ?? false,
    },
    ...(file === undefined ? {} : { file }),
    contract: contractOf(target, className, file),
    rpcs: [],
    subscriptions: [],
    timers: [],
    routes: [],
  };
  for (const entry of recordedEntrypoints(target)) {
    const where = `${className}.${entry.method}`;
    const method = (target.prototype as Record<string, unknown>)[entry.method];
    if (typeof method !== 'function') throw new ServiceDefinitionError(`${where} is not a method`);
    const designTypes: unknown[] =
      Reflect.getMetadata('design:paramtypes', target.prototype as object, entry.method) ?? [];
    const contract = methodContract(definition.contract, entry.method, () =>
      buildParameters(method as (...args: never[]) => unknown, designTypes),
    );
    const coerce = (entry.kind === 'timer' ? undefined : entry.options.coerce) ?? definition.options.coerce;
    const refine = entry.kind === 'timer' ? undefined : entry.options.refine;
    if (refine !== undefined) checkRefinements(refine, contract.parameters, where);
    const built = buildEntrypoint(entry, name, where, {
      method: entry.method,
      parameters: contract.parameters,
      contract,
      coerce,
      ...(definition.contract.$defs === undefined ? {} : { defs: definition.contract.$defs }),
      ...(refine === undefined ? {} : { refine }),
    });
    if (built.kind === 'rpc') definition.rpcs.push(built);
    else if (built.kind === 'subscribe') definition.subscriptions.push(built);
    else if (built.kind === 'http') definition.routes.push(built);
    else definition.timers.push(built);
  }
  checkUnique(definition.rpcs, (r) => `${r.options.match} ${r.uri}`, className, 'procedure');
  checkUnique(definition.subscriptions, (s) => `${s.options.match} ${s.topic}`, className, 'topic');
  checkUnique(definition.routes, (r) => `route ${routeKey(r.httpMethod, r.path)}`, className, 'HTTP route');
  return definition;
}

// Read once per class: the definition is read again by proxies and the test kit.
const contracts = new WeakMap<ServiceClass, ServiceContract>();

/** The class's contract from its source or contract file; else an empty one that says why. */
function contractOf(target: ServiceClass, className: string, file: string | undefined): ServiceContract {
  let contract = contracts.get(target);
  if (contract !== undefined) return contract;
  const loaded =
    file === undefined
      ? { missing: 'the file that declares it is not known' }
      : loadContract(file, className);
  contract =
    'missing' in loaded
      ? {
          className,
          ...(file === undefined ? {} : { file }),
          source: 'decorator-metadata',
          methods: {},
          warnings: [
            `${className}: no contract (${loaded.missing}); arguments are checked by their declared primitive types only`,
          ],
        }
      : loaded;
  contracts.set(target, contract);
  return contract;
}

/** The method's contract, or one made of its `design:paramtypes` when the contract has none. */
function methodContract(
  contract: ServiceContract,
  method: string,
  fromDesignTypes: () => MethodContract['parameters'],
): MethodContract {
  const known = contract.methods[method];
  if (known !== undefined) return known;
  const made: MethodContract = { parameters: fromDesignTypes(), result: true };
  contract.methods[method] = made;
  return made;
}

type EntrypointBase = Pick<
  EntrypointDefinition,
  'method' | 'parameters' | 'contract' | 'coerce' | 'defs' | 'refine'
>;

/** Every key of `refine` names a parameter, and every value is a Standard Schema validator. */
function checkRefinements(refine: Refinements, parameters: ParameterDefinition[], where: string): void {
  for (const [name, validator] of Object.entries(refine)) {
    if (!parameters.some((p) => p.name === name)) {
      const names = parameters.map((p) => p.name).join(', ') || 'none';
      throw new ServiceDefinitionError(
        `${where}: refine names no parameter '${name}' (parameters: ${names})`,
      );
    }
    if (!isStandardSchema(validator)) {
      throw new ServiceDefinitionError(
        `${where}: refine.${name} is not a Standard Schema validator (zod, valibot, arktype...: it has no '~standard' with version 1)`,
      );
    }
  }
}

function buildEntrypoint(
  entry: RecordedEntrypoint,
  service: string,
  where: string,
  base: EntrypointBase,
): EntrypointDefinition {
  switch (entry.kind) {
    case 'rpc': {
      const match = entry.options.match ?? 'exact';
      const uri = entry.uri ?? `${service}.${entry.method}`;
      checkUri(uri, match, where, '@Rpc');
      if (entry.options.timeout !== undefined)
        positiveInteger(entry.options.timeout, 0, `${where} @Rpc timeout`);
      const options = {
        invoke: entry.options.invoke ?? DEFAULT_INVOKE,
        match,
        timeout: entry.options.timeout,
      };
      return { kind: 'rpc', ...base, uri, options } satisfies RpcDefinition;
    }
    case 'subscribe': {
      const match = entry.options.match ?? 'exact';
      const delivery = entry.options.delivery ?? 'broadcast';
      // Meta topics (wamp.session.on_join...) may be subscribed to, as any client may; the
      // router publishes them, so only broadcast delivery can reach a handler.
      checkUri(entry.topic, match, where, '@Subscribe', true);
      if (!(EVENT_DELIVERIES as readonly unknown[]).includes(delivery)) {
        throw new ServiceDefinitionError(
          `${where}: @Subscribe delivery ${JSON.stringify(delivery)} is not one of ${EVENT_DELIVERIES.map((d) => `'${d}'`).join(', ')}`,
        );
      }
      if (isReservedUri(entry.topic) && delivery !== 'broadcast') {
        throw new ServiceDefinitionError(
          `${where}: @Subscribe delivery '${delivery}' cannot apply to the router's meta topic ${entry.topic} (only 'broadcast' does)`,
        );
      }
      if (delivery !== 'broadcast' && match !== 'exact') {
        throw new ServiceDefinitionError(`${where}: @Subscribe delivery '${delivery}' needs match 'exact'`);
      }
      return {
        kind: 'subscribe',
        ...base,
        topic: entry.topic,
        options: { match, delivery },
      } satisfies SubscribeDefinition;
    }
    case 'http': {
      const problem = checkRoute(entry.httpMethod, entry.path, base.parameters);
      if (problem !== undefined) throw new ServiceDefinitionError(`${where}: @Http ${problem}`);
      const { status } = entry.options;
      if (status !== undefined && (!Number.isInteger(status) || status < 200 || status > 299))
        throw new ServiceDefinitionError(
          `${where}: @Http status must be a 2xx integer, got ${String(status)}`,
        );
      return {
        kind: 'http',
        ...base,
        httpMethod: entry.httpMethod,
        path: entry.path,
        options: status === undefined ? {} : { status },
      } satisfies HttpDefinition;
    }
    case 'timer':
      positiveInteger(entry.interval, 0, `${where} @Timer interval`);
      return {
        kind: 'timer',
        ...base,
        interval: entry.interval,
        options: { eager: entry.options.eager ?? false },
      } satisfies TimerDefinition;
  }
}

function checkUri(
  uri: string,
  match: 'exact' | 'prefix' | 'wildcard',
  where: string,
  decorator: string,
  metaAllowed = false,
): void {
  if (typeof uri !== 'string' || !isValidUri(uri, match)) {
    throw new ServiceDefinitionError(
      `${where}: ${decorator} URI ${JSON.stringify(uri)} is not a valid ${match} URI`,
    );
  }
  if (isReservedUri(uri) && !metaAllowed) {
    throw new ServiceDefinitionError(
      `${where}: ${decorator} URI ${uri} is in the reserved 'wamp.' namespace`,
    );
  }
}

function checkUnique<T extends { method: string }>(
  items: T[],
  key: (item: T) => string,
  className: string,
  what: string,
): void {
  const seen = new Map<string, string>();
  for (const item of items) {
    const k = key(item);
    const other = seen.get(k);
    if (other !== undefined) {
      throw new ServiceDefinitionError(
        `${className}: ${other} and ${item.method} declare the same ${what} (${k.slice(k.indexOf(' ') + 1)})`,
      );
    }
    seen.set(k, item.method);
  }
}

function positiveInteger(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new ServiceDefinitionError(`${what} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function nonNegativeInteger(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw new ServiceDefinitionError(`${what} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}
