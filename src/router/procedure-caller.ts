import { WampError } from '../protocol/errors';
import { IdTable } from '../protocol/id-table';
import { MessageType, type Dict, type WireMessage } from '../protocol/messages';
import { createInProcessPair, type Transport } from '../transport';

/** The authmethod of a trusted in-process peer that joins without any method of the realm's. */
export const TRUSTED_METHOD = 'trusted';

/** The authid of the router's own caller sessions. */
export const ROUTER_CALLER_AUTHID = 'wservice.router';

interface Waiting {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * The router's own caller: one trusted in-process session per realm, joined on first use,
 * through which the router calls the procedures its options name (dynamic authenticators and
 * authorizers registered by a trusted session, as Crossbar.io's). Calls go through the realm's
 * dealer like any other, with the deadline as CALL `timeout`, so the dealer cancels them.
 */
export class ProcedureCaller {
  private readonly links = new Map<string, Promise<CallerLink>>();
  private attach: ((transport: Transport) => void) | undefined;

  /** The router whose realms it joins, as a trusted in-process peer. */
  joinThrough(router: { attach(transport: Transport, options: { trusted: boolean }): void }): void {
    this.attach = (transport) => router.attach(transport, { trusted: true });
  }

  /** The first RESULT argument of `procedure(...args)` in `realm`; an ERROR rejects as `WampError`. */
  async call(realm: string, procedure: string, args: unknown[], timeout: number): Promise<unknown> {
    let link = this.links.get(realm);
    if (link === undefined) {
      if (this.attach === undefined) throw new Error('the router has not started');
      link = CallerLink.join(realm, this.attach, () => this.links.delete(realm));
      this.links.set(realm, link);
      link.catch(() => this.links.delete(realm));
    }
    return (await link).call(procedure, args, timeout);
  }
}

/** One joined caller session: requests by id, answered by RESULT or ERROR. */
class CallerLink {
  private readonly waiting = new IdTable<Waiting>();
  private nextRequest = 1;
  private joined: Waiting | undefined;

  private constructor(
    private readonly transport: Transport,
    private readonly gone: () => void,
  ) {}

  static join(realm: string, attach: (t: Transport) => void, gone: () => void): Promise<CallerLink> {
    const [client, server] = createInProcessPair();
    const link = new CallerLink(client, gone);
    const joined = new Promise<CallerLink>((resolve, reject) => {
      link.joined = { resolve: () => resolve(link), reject };
    });
    client.attach({ message: (frame) => link.receive(frame as WireMessage), close: () => link.closed() });
    attach(server);
    // [HELLO, Realm|uri, Details|dict]
    client.send([
      MessageType.HELLO,
      realm,
      { roles: { caller: {} }, authmethods: [TRUSTED_METHOD], authid: ROUTER_CALLER_AUTHID },
    ]);
    return joined;
  }

  call(procedure: string, args: unknown[], timeout: number): Promise<unknown> {
    const request = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.waiting.set(request, { resolve, reject });
      // [CALL, Request|id, Options|dict, Procedure|uri, Arguments|list]
      this.transport.send([MessageType.CALL, request, { timeout }, procedure, args]);
    });
  }

  private receive(message: WireMessage): void {
    const [type] = message;
    switch (type) {
      case MessageType.WELCOME:
        this.joined?.resolve(this);
        this.joined = undefined;
        return;
      case MessageType.ABORT:
        this.joined?.reject(new WampError(message[2] as string, [(message[1] as Dict).message]));
        this.joined = undefined;
        return;
      // [RESULT, CALL.Request|id, Details|dict, Arguments|list?]
      case MessageType.RESULT:
        return this.settle(message[1] as number, (w) =>
          w.resolve((message[3] as unknown[] | undefined)?.[0]),
        );
      // [ERROR, CALL, CALL.Request|id, Details|dict, Error|uri, Arguments|list?, ArgumentsKw|dict?]
      case MessageType.ERROR:
        return this.settle(message[2] as number, (w) =>
          w.reject(
            new WampError(message[4] as string, (message[5] as unknown[]) ?? [], (message[6] as Dict) ?? {}),
          ),
        );
      // [GOODBYE, Details|dict, Reason|uri]: the router stops or kills this session.
      case MessageType.GOODBYE:
        this.transport.send([MessageType.GOODBYE, {}, 'wamp.close.goodbye_and_out']);
        return this.transport.close(1000, 'goodbye');
    }
  }

  private settle(request: number, then: (waiting: Waiting) => void): void {
    const waiting = this.waiting.get(request);
    if (waiting === undefined) return;
    this.waiting.delete(request);
    then(waiting);
  }

  private closed(): void {
    this.gone();
    const error = new Error('the router closed its caller session');
    this.joined?.reject(error);
    const waiting = this.waiting.values();
    this.waiting.clear();
    for (const call of waiting) call.reject(error);
  }
}
