import type { Args, Kwargs } from '../protocol/messages';
import type { Connection } from './connection';
import { createServiceProxy, proxyCallOptions, type ServiceProxy } from './proxy';
import type { Registration } from './registration';
import type { Session } from './session';
import type { Subscription } from './subscription';
import type {
  ClientCallOptions,
  ClientPublishOptions,
  ClientRegisterOptions,
  ClientSubscribeOptions,
  EventHandler,
  ProcedureHandler,
  Publication,
} from './types';

// Node 20 defines Symbol.asyncDispose (as Symbol.for('nodejs.asyncDispose')) in its main realm
// only; vm contexts such as jest's test environment lack it, so `await using` a Client there
// would find no disposer. The same registered symbol keeps both realms in agreement.
(Symbol as { asyncDispose?: symbol }).asyncDispose ??= Symbol.for('nodejs.asyncDispose');

/** One procedure of `client.rpc`: call it with positional arguments, or `.kwargs({...})`. */
export interface RemoteProcedure {
  (...args: unknown[]): Promise<unknown>;
  /** Calls with keyword arguments (and positional ones before them, if any). */
  kwargs(kwargs: Kwargs, args?: Args): Promise<unknown>;
}

/**
 * A connected client for scripts and tools: calls return plain values and services have typed
 * proxies. It reconnects like any `Connection` (available as `connection`).
 */
export class Client {
  /**
   * Any procedure by its full URI, in one expression (wampy's `client.rpc.name(**kwargs)`):
   * positional arguments by calling it, keyword arguments through `.kwargs`. Values come back
   * as from `call`.
   * @example
   * await client.rpc['calc.add'](2, 3);
   * await client.rpc['get_binary_number'].kwargs({ number: 100 });
   */
  readonly rpc: Readonly<Record<string, RemoteProcedure>>;

  constructor(readonly connection: Connection) {
    this.rpc = rpcNamespace((procedure, args, kwargs) => this.call(procedure, args, kwargs));
  }

  /** The joined session, if there is one now. */
  get session(): Session | undefined {
    return this.connection.session;
  }

  /**
   * Calls `procedure` and returns its value (see `callValue`).
   * @example const sum = await client.call<number>('calc.add', [2, 3]);
   */
  async call<T = unknown>(
    procedure: string,
    args?: Args,
    kwargs?: Kwargs,
    options?: ClientCallOptions,
  ): Promise<T> {
    return (await this.connection.callForValue(procedure, args, kwargs, options)) as T;
  }

  /**
   * A typed proxy of service `service`: `proxy<Greeter>('greeter').hello('Ada')` calls
   * `greeter.hello` with positional arguments.
   */
  proxy<T>(service: string): ServiceProxy<T> {
    return createServiceProxy<T>(service, (procedure, args, options) =>
      this.connection.callForValue(procedure, args, undefined, proxyCallOptions(options)),
    );
  }

  register(
    procedure: string,
    handler: ProcedureHandler,
    options?: ClientRegisterOptions,
  ): Promise<Registration> {
    return this.connection.register(procedure, handler, options);
  }

  subscribe(topic: string, handler: EventHandler, options?: ClientSubscribeOptions): Promise<Subscription> {
    return this.connection.subscribe(topic, handler, options);
  }

  publish(
    topic: string,
    args?: Args,
    kwargs?: Kwargs,
    options?: ClientPublishOptions,
  ): Promise<Publication | undefined> {
    return this.connection.publish(topic, args, kwargs, options);
  }

  /**
   * Leaves the session and keeps the transport for `join` (autobahn's `session.leave()`).
   * @example
   * await client.leave();
   * await client.join('other_realm'); // a new HELLO on the same WebSocket
   */
  leave(reason?: string, message?: string): Promise<void> {
    return this.connection.leave(reason, message);
  }

  /** Joins again after `leave`, on the same realm or on `realm`; resolves with the new session. */
  join(realm?: string): Promise<Session> {
    return this.connection.join(realm);
  }

  /** Leaves the session and stops reconnecting. */
  close(): Promise<void> {
    return this.connection.close();
  }

  /**
   * `close()`, for `await using` (wampy's context manager): the client leaves when the block
   * ends, however it ends.
   * @example
   * await using client = await connect(url);
   * await client.call('calc.add', [1, 2]);
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function rpcNamespace(
  call: (procedure: string, args: Args, kwargs: Kwargs) => Promise<unknown>,
): Record<string, RemoteProcedure> {
  return new Proxy(Object.create(null) as Record<string, RemoteProcedure>, {
    get(_target, name) {
      // `then` would make `await client.rpc` call a procedure named `then`.
      if (typeof name !== 'string' || name === 'then') return undefined;
      const procedure = (...args: unknown[]) => call(name, args, {});
      return Object.assign(procedure, {
        kwargs: (kwargs: Kwargs, args: Args = []) => call(name, args, kwargs),
      });
    },
  });
}
