import { MessageType, type Message, type MessageOf } from '../protocol/messages';

/**
 * Router-side session states (spec: session lifecycle). `establishing` waits for HELLO (again
 * after a GOODBYE exchange: the transport may carry a new session); `challenging` waits for
 * AUTHENTICATE; `closing` waits for the GOODBYE that answers the router's own; `closed` is
 * final: the transport is gone or going.
 */
export type SessionState = 'establishing' | 'challenging' | 'established' | 'closing' | 'closed';

/** The messages an established session's realm handles (its dealer and broker). */
export type RealmMessageType =
  | typeof MessageType.ERROR
  | typeof MessageType.PUBLISH
  | typeof MessageType.SUBSCRIBE
  | typeof MessageType.UNSUBSCRIBE
  | typeof MessageType.CALL
  | typeof MessageType.CANCEL
  | typeof MessageType.REGISTER
  | typeof MessageType.UNREGISTER
  | typeof MessageType.YIELD;
export type RealmMessage = MessageOf<RealmMessageType>;

/**
 * Where a message goes, and in which states: the session itself (its handshake and ending)
 * or the realm it joined. The types let only realm messages go to the realm.
 */
export interface DispatchEntry<To extends 'session' | 'realm' = 'session' | 'realm'> {
  readonly states: readonly SessionState[];
  readonly to: To;
}

export type DispatchTable = {
  readonly [T in MessageType]?: DispatchEntry<T extends RealmMessageType ? 'realm' : 'session'>;
};

const ESTABLISHED: readonly SessionState[] = ['established'];
const TO_REALM: DispatchEntry<'realm'> = { states: ESTABLISHED, to: 'realm' };

/**
 * The router's dispatch table (spec: "Message Codes and Direction", "Protocol Errors"): a
 * message in a state not listed for it, or one only routers send, aborts the session.
 */
export const DISPATCH: DispatchTable = {
  // [HELLO, Realm|uri, Details|dict]
  [MessageType.HELLO]: { states: ['establishing'], to: 'session' },
  // [AUTHENTICATE, Signature|string, Extra|dict]
  [MessageType.AUTHENTICATE]: { states: ['challenging'], to: 'session' },
  // [ABORT, Details|dict, Reason|uri]: the client gives up (during authentication, usually).
  [MessageType.ABORT]: { states: ['establishing', 'challenging', 'established'], to: 'session' },
  // [GOODBYE, Details|dict, Reason|uri]
  [MessageType.GOODBYE]: { states: ESTABLISHED, to: 'session' },
  // [ERROR, INVOCATION, INVOCATION.Request|id, Details|dict, Error|uri, Arguments|list?, ArgumentsKw|dict?]
  [MessageType.ERROR]: TO_REALM,
  // [PUBLISH, Request|id, Options|dict, Topic|uri, Arguments|list?, ArgumentsKw|dict?]
  [MessageType.PUBLISH]: TO_REALM,
  // [SUBSCRIBE, Request|id, Options|dict, Topic|uri]
  [MessageType.SUBSCRIBE]: TO_REALM,
  // [UNSUBSCRIBE, Request|id, SUBSCRIBED.Subscription|id]
  [MessageType.UNSUBSCRIBE]: TO_REALM,
  // [CALL, Request|id, Options|dict, Procedure|uri, Arguments|list?, ArgumentsKw|dict?]
  [MessageType.CALL]: TO_REALM,
  // [CANCEL, CALL.Request|id, Options|dict]
  [MessageType.CANCEL]: TO_REALM,
  // [REGISTER, Request|id, Options|dict, Procedure|uri]
  [MessageType.REGISTER]: TO_REALM,
  // [UNREGISTER, Request|id, REGISTERED.Registration|id]
  [MessageType.UNREGISTER]: TO_REALM,
  // [YIELD, INVOCATION.Request|id, Options|dict, Arguments|list?, ArgumentsKw|dict?]
  [MessageType.YIELD]: TO_REALM,
};

/** True for a message whose entry sends it to the realm (the table's types guarantee its type). */
export function toRealm(_message: Message, entry: DispatchEntry): _message is RealmMessage {
  return entry.to === 'realm';
}
