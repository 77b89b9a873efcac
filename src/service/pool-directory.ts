import type { Connection } from '../client/connection';
import type { Logger } from '../logger';
import { poolTopic } from './entrypoints/subscribe';

/**
 * Which services have pool handlers for which topic, as the router knows it: read once from
 * the registration meta API (`wamp.registration.list` / `get`) and kept current by its
 * `on_create` / `on_delete` events. Forgets everything when the connection re-joins.
 */
export class PoolDirectory {
  private readonly byId = new Map<number, string>();
  private loading?: Promise<void>;
  private watching?: Promise<void>;
  private warned = false;

  constructor(
    private readonly connection: Connection,
    private readonly logger: Logger,
  ) {
    connection.on('join', () => {
      this.loading = undefined;
      this.byId.clear();
    });
  }

  /**
   * The pool procedures to call for an event on `topic`, one per service. When the router
   * denies the meta API, pool delivery is unavailable: that is logged once (the event itself
   * was published already, so failing the dispatch would only invite a duplicate) and the
   * next dispatch tries again.
   */
  async proceduresFor(topic: string): Promise<string[]> {
    try {
      await this.load();
    } catch (err) {
      if (!this.warned) this.logger.warn({ err }, (err as Error).message);
      this.warned = true;
      return [];
    }
    const found: string[] = [];
    for (const uri of this.byId.values()) if (poolTopic(uri) === topic) found.push(uri);
    return found;
  }

  /**
   * The meta-event subscriptions, made once: the connection restores them after a reconnect,
   * so a reload only lists again. A failed attempt is forgotten so the next load retries.
   */
  private watch(): Promise<void> {
    this.watching ??= (async () => {
      await this.connection.subscribe('wamp.registration.on_create', ([, registration]) => {
        const { id, uri } = (registration ?? {}) as { id?: unknown; uri?: unknown };
        if (typeof id === 'number' && typeof uri === 'string' && poolTopic(uri) !== undefined)
          this.byId.set(id, uri);
      });
      await this.connection.subscribe('wamp.registration.on_delete', ([, id]) => {
        if (typeof id === 'number') this.byId.delete(id);
      });
    })().catch((err: unknown) => {
      this.watching = undefined;
      throw err;
    });
    return this.watching;
  }

  private load(): Promise<void> {
    this.loading ??= this.read().catch((err: unknown) => {
      this.loading = undefined;
      throw new Error(
        `pool delivery needs the router's registration meta API (wamp.registration.list, get, on_create, on_delete): ${(err as Error).message}`,
        { cause: err },
      );
    });
    return this.loading;
  }

  private async read(): Promise<void> {
    // Subscribe before listing, so nothing created in between is missed.
    await this.watch();
    const listed = await this.connection.call('wamp.registration.list');
    const exact = (listed.args[0] as { exact?: unknown } | undefined)?.exact;
    const ids = Array.isArray(exact) ? exact.filter((id): id is number => typeof id === 'number') : [];
    await Promise.all(
      ids.map(async (id) => {
        try {
          const got = await this.connection.call('wamp.registration.get', [id]);
          const uri = (got.args[0] as { uri?: unknown } | undefined)?.uri;
          if (typeof uri === 'string' && poolTopic(uri) !== undefined) this.byId.set(id, uri);
        } catch (err) {
          // Deleted between list and get: nothing to remember.
          this.logger.debug({ err, id }, 'registration vanished while reading the pool directory');
        }
      }),
    );
  }
}
