import { WServiceErrorUri } from '../errors';
import { decode, encode } from '../protocol/codec';
import { ErrorUri, WampError } from '../protocol/errors';
import { MessageType, type Args, type Kwargs, type Message } from '../protocol/messages';
import { createInProcessPair, type LinkInfo } from '../transport/inprocess';
import type { Transport } from '../transport/transport';

/** Who a bridge request joins as: a ticket (with an authid, or for a dynamic authenticator), or anonymous. */
export interface BridgeCredentials {
  authid?: string;
  ticket?: string;
}

/** What every bridge request carries: its correlation id and W3C trace context (`x_traceparent`, maybe empty). */
interface BridgeRequestBase {
  args: Args;
  kwargs: Kwargs;
  correlationId: string;
  trace: Readonly<Record<string, string>>;
}

/** What a bridge request does once joined. */
export type BridgeRequest =
  | (BridgeRequestBase & { kind: 'call'; procedure: string; timeout: number })
  | (BridgeRequestBase & { kind: 'publish'; topic: string });

/** A call's result (`{ args, kwargs }`, as Crossbar.io's bridge answers) or a publication's id. */
export type BridgeAnswer = { args: Args; kwargs: Kwargs } | { id: number };

/** The one request id this peer ever uses. */
const REQUEST = 1;

/**
 * One bridge request as a WAMP peer of its own, over an in-process link: HELLO, the ticket
 * when challenged, then one CALL or acknowledged PUBLISH; it leaves as soon as it has its
 * answer. The router sees an ordinary client (not a trusted one).
 */
export class BridgePeer {
  private readonly ours: Transport;
  private readonly routers: Transport;
  private settle?: { resolve: (answer: BridgeAnswer) => void; reject: (error: unknown) => void };

  constructor(
    private readonly attach: (transport: Transport) => void,
    link: LinkInfo,
  ) {
    [this.ours, this.routers] = createInProcessPair(link);
  }

  run(realm: string, credentials: BridgeCredentials, request: BridgeRequest): Promise<BridgeAnswer> {
    return new Promise<BridgeAnswer>((resolve, reject) => {
      this.settle = { resolve, reject };
      this.ours.attach({
        message: (frame) => this.receive(decode(frame), credentials, request),
        close: () =>
          this.fail(
            new WampError(WServiceErrorUri.CONNECTION_LOST, ['the router closed the bridge session']),
          ),
      });
      this.attach(this.routers);
      // [HELLO, Realm|uri, Details|dict]
      this.send({
        type: MessageType.HELLO,
        realm,
        details: {
          roles: { caller: {}, publisher: {} },
          authmethods: credentials.ticket === undefined ? ['anonymous'] : ['ticket'],
          ...(credentials.authid === undefined ? {} : { authid: credentials.authid }),
          agent: 'wservice-http-bridge',
        },
      });
    }).finally(() => this.close());
  }

  /** Leaves at once (the router cancels a call in flight). */
  close(): void {
    this.ours.close(1000, 'bridge request done');
  }

  private receive(message: Message, credentials: BridgeCredentials, request: BridgeRequest): void {
    switch (message.type) {
      // [CHALLENGE, AuthMethod|string, Extra|dict]
      case MessageType.CHALLENGE:
        if (message.authMethod !== 'ticket' || credentials.ticket === undefined)
          return this.fail(
            new WampError(ErrorUri.AUTHENTICATION_FAILED, [
              `the realm asks for ${message.authMethod} authentication`,
            ]),
          );
        return this.send({ type: MessageType.AUTHENTICATE, signature: credentials.ticket, extra: {} });
      // [WELCOME, Session|id, Details|dict]
      case MessageType.WELCOME:
        return this.send(requestMessage(request));
      // [ABORT, Details|dict, Reason|uri]
      case MessageType.ABORT: {
        const text = typeof message.details.message === 'string' ? message.details.message : message.reason;
        return this.fail(new WampError(message.reason, [text]));
      }
      // [RESULT, CALL.Request|id, Details|dict, YIELD.Arguments|list?, YIELD.ArgumentsKw|dict?]
      case MessageType.RESULT:
        if (message.details.progress === true) return; // the bridge answers the final result only
        return this.settle?.resolve({ args: message.args ?? [], kwargs: message.kwargs ?? {} });
      // [PUBLISHED, PUBLISH.Request|id, Publication|id]
      case MessageType.PUBLISHED:
        return this.settle?.resolve({ id: message.publication });
      // [ERROR, CALL|PUBLISH, Request|id, Details|dict, Error|uri, Arguments|list?, ArgumentsKw|dict?]
      case MessageType.ERROR:
        return this.fail(new WampError(message.error, message.args, message.kwargs));
      case MessageType.GOODBYE:
        return this.fail(new WampError(message.reason, ['the router ended the bridge session']));
      default:
        return undefined;
    }
  }

  private fail(error: unknown): void {
    this.settle?.reject(error);
  }

  private send(message: Message): void {
    this.ours.send(encode(message));
  }
}

function requestMessage(request: BridgeRequest): Message {
  // The request's trace context continues in the callee's (or subscribers') span, as a WAMP caller's does.
  const custom = { x_correlation_id: request.correlationId, ...request.trace };
  if (request.kind === 'call') {
    // [CALL, Request|id, Options|dict, Procedure|uri, Arguments|list, ArgumentsKw|dict]
    return {
      type: MessageType.CALL,
      request: REQUEST,
      options: { timeout: request.timeout, ...custom },
      procedure: request.procedure,
      args: request.args,
      kwargs: request.kwargs,
    };
  }
  // [PUBLISH, Request|id, Options|dict, Topic|uri, Arguments|list, ArgumentsKw|dict]
  return {
    type: MessageType.PUBLISH,
    request: REQUEST,
    options: { acknowledge: true, ...custom },
    topic: request.topic,
    args: request.args,
    kwargs: request.kwargs,
  };
}
