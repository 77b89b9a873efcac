import type { Logger } from '../logger';
import type { Serializer } from '../protocol/serializer';
import { serializerByName } from '../protocol/serializers';
import { TransportError, type Transport } from '../transport/transport';
import { SessionClosedError } from './errors';
import type { TransportFactory } from './connection';

/**
 * One transport factory over the factories of several router URLs (`factoryOf` each), tried in
 * turn: each attempt starts with the URL that worked last and passes over a URL whose transport
 * cannot be opened, or whose router refuses the join (`Connection` reports that through the
 * factory's `refused`, and goes on with the factory it returns). An attempt that joins none
 * rejects with an error naming each URL and why: a `SessionClosedError` with the routers' reason
 * when every one refused the join for the same reason, else a `TransportError`. Node's
 * `failoverTransport` and the browser bundle's `connect` share it. Throws `TransportError` at
 * once for an empty list.
 */
export function failoverOf(
  urls: readonly string[],
  factoryOf: (url: string) => TransportFactory,
  logger?: Logger,
): TransportFactory {
  if (urls.length === 0) throw new TransportError('no router URL given (an empty list)', 'INVALID_URL');
  const factories = urls.map(factoryOf);
  if (factories.length === 1) return factories[0];
  return new RouterList(urls, factories, logger).attempt();
}

/** The serializer called `name`, if one is named; throws `TransportError` for an unknown name. */
export function serializerNamed(name: string | undefined): Serializer | undefined {
  if (name === undefined) return undefined;
  const serializer = serializerByName(name);
  if (serializer === undefined) throw new TransportError(`unknown serializer ${name}`, 'INVALID_SERIALIZER');
  return serializer;
}

/** Why a URL was passed over in one attempt: unreachable, or its router refused the join. */
interface PassedOver {
  readonly why: string;
  /** The ABORT reason, when the router refused the join. */
  readonly refusal?: string;
  readonly error: unknown;
}

/** The routers of a list and which worked last; each attempt walks them from there. */
class RouterList {
  /** Where the next attempt starts: the URL that opened last. */
  private preferred = 0;
  /** The transports opened, with their place in the list and their attempt's URLs passed over. */
  private readonly opened = new WeakMap<Transport, { index: number; passed: Map<number, PassedOver> }>();

  constructor(
    private readonly urls: readonly string[],
    private readonly factories: readonly TransportFactory[],
    private readonly logger: Logger | undefined,
  ) {}

  /**
   * Opens the first URL not passed over yet: from the preferred one in a new attempt, or, to go
   * on with an attempt after a refusal (`next`), from the URL after the refusing one.
   */
  attempt(next?: { passed: Map<number, PassedOver>; from: number }): TransportFactory {
    const open = async (): Promise<Transport> => {
      const walk = next?.passed ?? new Map<number, PassedOver>();
      const start = next?.from ?? this.preferred;
      for (let i = 0; i < this.urls.length; i += 1) {
        const index = (start + i) % this.urls.length;
        if (walk.has(index)) continue;
        try {
          const transport = await this.factories[index]();
          this.preferred = index;
          this.opened.set(transport, { index, passed: walk });
          return transport;
        } catch (err) {
          walk.set(index, { why: (err as Error)?.message ?? String(err), error: err });
          this.logger?.debug({ err, url: this.urls[index] }, 'router unreachable; trying the next URL');
        }
      }
      throw this.noneJoined(walk);
    };
    return Object.assign(open, {
      refused: (transport: Transport, error: SessionClosedError) => this.refused(transport, error),
    });
  }

  /** The router behind `transport` refused the join: the rest of its attempt, from the next URL. */
  private refused(transport: Transport, error: SessionClosedError): TransportFactory | undefined {
    const opened = this.opened.get(transport);
    if (opened === undefined) return undefined;
    this.opened.delete(transport);
    const { index, passed } = opened;
    passed.set(index, { why: `refused the join: ${error.message}`, refusal: error.uri, error });
    this.logger?.info(
      { err: error, url: this.urls[index] },
      'the router refused the join; trying the next URL',
    );
    return this.attempt({ passed, from: (index + 1) % this.urls.length });
  }

  /** Every URL was passed over: one error naming each and why. */
  private noneJoined(passed: Map<number, PassedOver>): Error {
    const entries = [...passed];
    const failures = entries.map(([index, p]) => `${this.urls[index]}: ${p.why}`).join('; ');
    const refusals = new Set(entries.map(([, p]) => p.refusal));
    const [reason] = refusals;
    if (refusals.size === 1 && reason !== undefined)
      return new SessionClosedError(reason, `every router refused the join: ${failures}`);
    const last = entries.at(-1)?.[1].error;
    const code = last instanceof TransportError ? last.code : undefined;
    const what = refusals.has(undefined) && refusals.size === 1 ? 'no router reachable' : 'no router joined';
    return new TransportError(`${what}: ${failures}`, code, { cause: last });
  }
}
