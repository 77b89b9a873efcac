import { ProtocolError } from '../protocol/errors';
import { MessageType, messageName, type MessageOf } from '../protocol/messages';
import { authenticate, hello } from './handshake';
import type { RouterSession, SessionState } from './router-session';

/** Which states a message may arrive in, and who handles it then. */
export interface DispatchEntry<T extends MessageType> {
  readonly states: readonly SessionState[];
  readonly handle: (session: RouterSession, message: MessageOf<T>) => void;
}

/** Messages a client may send, by code; a code not listed here is a protocol violation. */
export type DispatchTable = { readonly [T in MessageType]?: DispatchEntry<T> };

const ESTABLISHED: readonly SessionState[] = ['established'];

/**
 * The router's dispatch table (spec: "Message Codes and Direction", "Protocol Errors"): a
 * message in a state not listed for it, or one only routers send, aborts the session.
 */
export const DISPATCH: DispatchTable = {
  // [HELLO, Realm|uri, Details|dict]
  [MessageType.HELLO]: { states: ['establishing'], handle: hello },
  // [AUTHENTICATE, Signature|string, Extra|dict]
  [MessageType.AUTHENTICATE]: { states: ['challenging'], handle: authenticate },
  // [ABORT, Details|dict, Reason|uri]: the client gives up (during authentication, usually).
  [MessageType.ABORT]: {
    states: ['establishing', 'challenging', 'established'],
    handle: (s, m) => s.clientAbort(m),
  },
  // [GOODBYE, Details|dict, Reason|uri]
  [MessageType.GOODBYE]: { states: ESTABLISHED, handle: (s) => s.clientGoodbye() },
  // [ERROR, INVOCATION, INVOCATION.Request|id, Details|dict, Error|uri, Arguments|list?, ArgumentsKw|dict?]
  // A client only ever answers an INVOCATION with ERROR; any other request type is a violation.
  [MessageType.ERROR]: {
    states: ESTABLISHED,
    handle: (s, m) => {
      if (m.requestType !== MessageType.INVOCATION) {
        throw new ProtocolError(`ERROR for ${messageName(m.requestType)} is not a message a client may send`);
      }
      s.joined.dealer.invocationError(s, m);
    },
  },
  // [PUBLISH, Request|id, Options|dict, Topic|uri, Arguments|list?, ArgumentsKw|dict?]
  [MessageType.PUBLISH]: { states: ESTABLISHED, handle: (s, m) => s.joined.broker.publish(s, m) },
  // [SUBSCRIBE, Request|id, Options|dict, Topic|uri]
  [MessageType.SUBSCRIBE]: { states: ESTABLISHED, handle: (s, m) => s.joined.broker.subscribe(s, m) },
  // [UNSUBSCRIBE, Request|id, SUBSCRIBED.Subscription|id]
  [MessageType.UNSUBSCRIBE]: { states: ESTABLISHED, handle: (s, m) => s.joined.broker.unsubscribe(s, m) },
  // [CALL, Request|id, Options|dict, Procedure|uri, Arguments|list?, ArgumentsKw|dict?]
  [MessageType.CALL]: { states: ESTABLISHED, handle: (s, m) => s.joined.dealer.call(s, m) },
  // [CANCEL, CALL.Request|id, Options|dict]
  [MessageType.CANCEL]: { states: ESTABLISHED, handle: (s, m) => s.joined.dealer.cancel(s, m) },
  // [REGISTER, Request|id, Options|dict, Procedure|uri]
  [MessageType.REGISTER]: { states: ESTABLISHED, handle: (s, m) => s.joined.dealer.register(s, m) },
  // [UNREGISTER, Request|id, REGISTERED.Registration|id]
  [MessageType.UNREGISTER]: { states: ESTABLISHED, handle: (s, m) => s.joined.dealer.unregister(s, m) },
  // [YIELD, INVOCATION.Request|id, Options|dict, Arguments|list?, ArgumentsKw|dict?]
  [MessageType.YIELD]: { states: ESTABLISHED, handle: (s, m) => s.joined.dealer.yield(s, m) },
};
