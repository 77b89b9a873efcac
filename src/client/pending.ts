import { ProtocolError, RemoteError } from '../protocol/errors';
import { IdTable } from '../protocol/id-table';
import type { ErrorMessage } from '../protocol/messages';

/** One request sent and not yet answered, with what its reply needs to know. */
export interface PendingRequest<C, T> {
  /** What the request was about (the Registration being registered...). */
  readonly context: C;
  resolve(value: T): void;
  reject(error: Error): void;
}

/**
 * A `PendingRequest` as an instance, not an object literal: V8 tracks the objects a literal
 * makes (its allocation site), and after a burst of requests that stayed unanswered through
 * several young-generation collections (a service subscribing to thousands of topics at
 * start) it allocates every later object of that literal in the old generation ("pretenuring"),
 * and it went on doing so here. Each acknowledged publication's record then died in the
 * old generation, and kept its promise and callbacks alive through the next scavenges (the
 * scavenger counts old objects pointing at young ones as roots, dead or not): ~320 B per
 * publication promoted, a full collection of a large heap every 200,000 publications. A
 * class's instances have no allocation site.
 */
class PendingEntry<C, T> implements PendingRequest<C, T> {
  constructor(
    readonly context: C,
    readonly resolve: (value: T) => void,
    readonly reject: (error: Error) => void,
  ) {}
}

/**
 * Requests sent and not yet answered (REGISTER, SUBSCRIBE, PUBLISH...), by request id. A reply
 * for an id not in the table is a protocol violation (spec), thrown as `ProtocolError`.
 * Replies are handled synchronously by `take`, so state a reply creates (a registration id)
 * exists before the next inbound message is read.
 */
export class PendingRequests<C, T = void> {
  private readonly requests = new IdTable<PendingRequest<C, T>>();

  /** `request`: the request message name, for error texts (`REGISTER`). */
  constructor(private readonly request: string) {}

  /**
   * Records request `id`, runs `send` (which sends it) and returns a promise for the reply. When
   * `send` throws (serialization, size limit, session closed) the promise rejects with that error.
   */
  send(id: number, context: C, send: () => void): Promise<T> {
    const reply = new Promise<T>((resolve, reject) =>
      this.requests.set(id, new PendingEntry(context, resolve, reject)),
    );
    try {
      send();
    } catch (err) {
      this.requests.delete(id);
      return Promise.reject(err as Error);
    }
    return reply;
  }

  /** Removes and returns request `id`; `reply` names the reply message for the error text. */
  take(id: number, reply: string): PendingRequest<C, T> {
    const pending = this.requests.get(id);
    if (pending === undefined) throw unknownRequest(reply, id, this.request);
    this.requests.delete(id);
    return pending;
  }

  // [ERROR, REQUEST.Type|int, REQUEST.Request|id, Details|dict, Error|uri, Arguments|list?, ArgumentsKw|dict?]
  /** Fails the request an ERROR answers with a `RemoteError`. */
  rejectWithError(message: ErrorMessage): void {
    const pending = this.take(message.request, 'ERROR');
    pending.reject(new RemoteError(message.error, message.args, message.kwargs, message.details));
  }

  /** Answers every request with `value` (an UNREGISTER whose session closed: nothing is held). */
  resolveAll(value: T): void {
    const requests = this.requests.values();
    this.requests.clear();
    for (const pending of requests) pending.resolve(value);
  }

  /** Fails every request. */
  rejectAll(error: Error): void {
    const requests = this.requests.values();
    this.requests.clear();
    for (const pending of requests) pending.reject(error);
  }
}

/** The protocol violation of a reply (`reply`) to a request id that has no pending `request`. */
export function unknownRequest(reply: string, id: number, request: string): ProtocolError {
  return new ProtocolError(`${reply} for request id ${id}, which has no pending ${request}`, {
    messageName: reply,
  });
}
