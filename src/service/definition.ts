import type { JsonSchema, MethodContract, ParameterContract, ServiceContract } from '../contracts/types';
import type { StandardSchemaV1 } from '../contracts/standard-schema';
import type { InvokePolicy, MatchPolicy } from '../protocol/messages';

/** A class a service is made from. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- constructor parameters are whatever DI provides
export type ServiceClass<T = object> = new (...args: any[]) => T;

/** Options of `@Service(name, options)`. */
export interface ServiceOptions {
  /** Entrypoint calls running at once; more wait in a queue (nameko's max_workers). Default 10. */
  maxConcurrency?: number;
  /** Calls that may wait for a free slot before new ones are refused. Default 1000. */
  maxQueued?: number;
  /** How long `stop()` waits for in-flight work before giving up on it, in ms. Default 10,000. */
  stopTimeout?: number;
  /** Dependency providers whose worker hooks wrap every entrypoint call of this service. */
  providers?: ServiceClass[];
  /**
   * Convert what a caller's language or wire lost instead of refusing it: strings to numbers
   * and booleans (serverwamp's conversion by type hints), digit strings to `bigint`. Default
   * false. ISO strings to `Date` and integers to `bigint` are always converted: they can
   * arrive no other way.
   */
  coerce?: boolean;
}

/** Options of `@Rpc(uri?, options?)`. */
export interface RpcOptions {
  /** How the router picks among instances sharing this procedure. Default `roundrobin`. */
  invoke?: InvokePolicy;
  /** Register a URI pattern instead of one procedure. Default `exact`. */
  match?: MatchPolicy;
  /** Longest a call may run, in ms: the handler's `signal` aborts and the caller gets `wamp.error.timeout`. */
  timeout?: number;
  /** This method's `coerce`, instead of the service's. */
  coerce?: boolean;
  /** Standard Schema validators (zod, valibot, arktype...) by parameter name: rules TypeScript cannot say. */
  refine?: Refinements;
}

/**
 * A Standard Schema validator per parameter name, checked after the contract's types; the
 * validator's output is what the method gets.
 *
 * @example
 * ```ts
 * @Rpc({ refine: { seats: z.number().int().min(1), email: z.email() } })
 * register(email: string, seats: number) { ... }
 * ```
 */
export type Refinements = Record<string, StandardSchemaV1>;

/** The HTTP methods `@Http` serves. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Options of `@Http(method, path, options?)`. */
export interface HttpOptions {
  /** The status of a successful answer. Default 200 (204 when the method returns nothing). */
  status?: number;
  /** This route's `coerce` (for the JSON body; path and query text is always read by the contract's types). */
  coerce?: boolean;
  /** Standard Schema validators by parameter name, as `@Rpc`'s `refine`. */
  refine?: Refinements;
}

/** How a `@Subscribe` handler shares events among the instances of its service. */
export type EventDelivery = 'broadcast' | 'pool' | 'singleton';

/** Options of `@Subscribe(topic, options?)`. */
export interface SubscribeOptions {
  match?: MatchPolicy;
  /**
   * `broadcast` (default, WAMP semantics): every instance gets every event.
   * `pool` (nameko's service pool): one instance of the service handles each event.
   * `singleton` (nameko's singleton): one handler in the whole cluster handles each event,
   * whichever service and instance it belongs to.
   */
  delivery?: EventDelivery;
  /** This handler's `coerce`, instead of the service's. */
  coerce?: boolean;
  /** Standard Schema validators by parameter name, as for `@Rpc`. */
  refine?: Refinements;
}

/** Options of `@Timer(interval, options?)`. */
export interface TimerOptions {
  /** Fire once right at start instead of after the first interval (nameko's `eager`). */
  eager?: boolean;
}

/** What `design:paramtypes` tells of a parameter, when no contract can be read. */
export type ParameterType = 'string' | 'number' | 'bigint' | 'boolean' | 'array' | 'bytes' | 'any';

/** One parameter as it is bound and checked: its name, schema, whether it is required. */
export type ParameterDefinition = ParameterContract;

interface EntrypointBase {
  /** The method's name on the service class. */
  method: string;
  parameters: ParameterDefinition[];
  /** The method's contract: parameters, result, doc comment. */
  contract: MethodContract;
  /** Convert strings to numbers / booleans instead of refusing them (`coerce` option). */
  coerce: boolean;
  /** The `$defs` the parameters' schemas refer to. */
  defs?: Record<string, JsonSchema>;
  /** The `refine` option: validators by parameter name. */
  refine?: Refinements;
}

export interface RpcDefinition extends EntrypointBase {
  kind: 'rpc';
  uri: string;
  options: Required<Pick<RpcOptions, 'invoke' | 'match'>> & Pick<RpcOptions, 'timeout'>;
}

export interface SubscribeDefinition extends EntrypointBase {
  kind: 'subscribe';
  topic: string;
  options: Required<Omit<SubscribeOptions, 'coerce' | 'refine'>>;
}

export interface TimerDefinition extends EntrypointBase {
  kind: 'timer';
  interval: number;
  options: Required<TimerOptions>;
}

export interface HttpDefinition extends EntrypointBase {
  kind: 'http';
  httpMethod: HttpMethod;
  /** The route as declared: `/orders/:id`. */
  path: string;
  options: Pick<HttpOptions, 'status'>;
}

export type EntrypointDefinition = RpcDefinition | SubscribeDefinition | TimerDefinition | HttpDefinition;

/** Everything the decorators said about one service class, as plain data. */
export interface ServiceDefinition {
  name: string;
  target: ServiceClass;
  options: Required<Omit<ServiceOptions, 'providers'>> & { providers: ServiceClass[] };
  /** The file that declared the class, when known. */
  file?: string;
  /** Every entrypoint's parameters and result, and what could not be derived. */
  contract: ServiceContract;
  rpcs: RpcDefinition[];
  subscriptions: SubscribeDefinition[];
  timers: TimerDefinition[];
  /** `@Http` routes, served by the runner's HTTP server. */
  routes: HttpDefinition[];
}
