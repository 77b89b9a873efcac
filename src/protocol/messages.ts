/**
 * WAMP v2 messages as a discriminated union on `type` (the message code).
 *
 * The wire form is an array `[code, ...fields]`; `decode` (codec.ts) turns a validated array
 * into one of these objects and `encode` turns it back. Field names follow the spec's
 * message descriptions (`REQUEST.Request|id` becomes `request`, `ArgumentsKw|dict` `kwargs`).
 */

/** WAMP message codes (spec: "Message Codes and Direction"). */
export const MessageType = {
  HELLO: 1,
  WELCOME: 2,
  ABORT: 3,
  CHALLENGE: 4,
  AUTHENTICATE: 5,
  GOODBYE: 6,
  ERROR: 8,
  PUBLISH: 16,
  PUBLISHED: 17,
  SUBSCRIBE: 32,
  SUBSCRIBED: 33,
  UNSUBSCRIBE: 34,
  UNSUBSCRIBED: 35,
  EVENT: 36,
  CALL: 48,
  CANCEL: 49,
  RESULT: 50,
  REGISTER: 64,
  REGISTERED: 65,
  UNREGISTER: 66,
  UNREGISTERED: 67,
  INVOCATION: 68,
  INTERRUPT: 69,
  YIELD: 70,
} as const;

export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** A WAMP dictionary: string keys, any serializable values. */
export type Dict = Record<string, unknown>;
/** Positional payload. */
export type Args = unknown[];
/** Keyword payload. */
export type Kwargs = Record<string, unknown>;
/** A WAMP id: an integer in 1..2^53. */
export type Id = number;

/** The array that crosses the wire before serialization: `[code, ...fields]`. */
export type WireMessage = unknown[];

/** Which side of a match a registration or subscription uses (spec: pattern-based registration). */
export type MatchPolicy = 'exact' | 'prefix' | 'wildcard';
/** How a dealer picks among the callees of a shared registration. */
export type InvokePolicy = 'single' | 'roundrobin' | 'random' | 'first' | 'last';
/** CANCEL Options.mode. */
export type CancelMode = 'skip' | 'kill' | 'killnowait';

/** Roles and their announced features, as carried in HELLO / WELCOME Details.roles. */
export type Roles = Partial<Record<RoleName, { features?: Record<string, boolean> }>>;
export type RoleName = 'caller' | 'callee' | 'publisher' | 'subscriber' | 'dealer' | 'broker';

export interface HelloDetails extends Dict {
  roles: Roles;
  authmethods?: string[];
  authid?: string;
  authrole?: string;
  authextra?: Dict;
  agent?: string;
}

export interface WelcomeDetails extends Dict {
  roles: Roles;
  authid?: string;
  authrole?: string;
  authmethod?: string;
  authprovider?: string;
  authextra?: Dict;
  agent?: string;
}

export interface CallOptions extends Dict {
  timeout?: number;
  receive_progress?: boolean;
  disclose_me?: boolean;
}

export interface RegisterOptions extends Dict {
  match?: MatchPolicy;
  invoke?: InvokePolicy;
  disclose_caller?: boolean;
}

export interface SubscribeOptions extends Dict {
  match?: MatchPolicy;
}

export interface PublishOptions extends Dict {
  acknowledge?: boolean;
  exclude_me?: boolean;
  exclude?: Id[];
  eligible?: Id[];
  exclude_authid?: string[];
  eligible_authid?: string[];
  exclude_authrole?: string[];
  eligible_authrole?: string[];
  disclose_me?: boolean;
}

export interface InvocationDetails extends Dict {
  caller?: Id;
  caller_authid?: string;
  caller_authrole?: string;
  procedure?: string;
  receive_progress?: boolean;
  timeout?: number;
}

export interface EventDetails extends Dict {
  publisher?: Id;
  publisher_authid?: string;
  publisher_authrole?: string;
  topic?: string;
}

export interface ResultDetails extends Dict {
  progress?: boolean;
}

export interface YieldOptions extends Dict {
  progress?: boolean;
}

export interface CancelOptions extends Dict {
  mode?: CancelMode;
}

export interface InterruptOptions extends Dict {
  mode?: CancelMode;
  reason?: string;
}

/** A payload that may travel with a message: both optional, `kwargs` only after `args`. */
export interface Payload {
  args?: Args;
  kwargs?: Kwargs;
}

// [HELLO, Realm|uri, Details|dict]
export interface Hello {
  type: typeof MessageType.HELLO;
  realm: string;
  details: HelloDetails;
}
// [WELCOME, Session|id, Details|dict]
export interface Welcome {
  type: typeof MessageType.WELCOME;
  session: Id;
  details: WelcomeDetails;
}
// [ABORT, Details|dict, Reason|uri, Arguments|list?, ArgumentsKw|dict?]
export interface Abort extends Payload {
  type: typeof MessageType.ABORT;
  details: Dict;
  reason: string;
}
// [CHALLENGE, AuthMethod|string, Extra|dict]
export interface Challenge {
  type: typeof MessageType.CHALLENGE;
  authMethod: string;
  extra: Dict;
}
// [AUTHENTICATE, Signature|string, Extra|dict]
export interface Authenticate {
  type: typeof MessageType.AUTHENTICATE;
  signature: string;
  extra: Dict;
}
// [GOODBYE, Details|dict, Reason|uri, Arguments|list?, ArgumentsKw|dict?]
export interface Goodbye extends Payload {
  type: typeof MessageType.GOODBYE;
  details: Dict;
  reason: string;
}
// [ERROR, REQUEST.Type|int, REQUEST.Request|id, Details|dict, Error|uri, Arguments|list?, ArgumentsKw|dict?]
export interface ErrorMessage extends Payload {
  type: typeof MessageType.ERROR;
  requestType: MessageType;
  request: Id;
  details: Dict;
  error: string;
}
// [PUBLISH, Request|id, Options|dict, Topic|uri, Arguments|list?, ArgumentsKw|dict?]
export interface Publish extends Payload {
  type: typeof MessageType.PUBLISH;
  request: Id;
  options: PublishOptions;
  topic: string;
}
// [PUBLISHED, PUBLISH.Request|id, Publication|id]
export interface Published {
  type: typeof MessageType.PUBLISHED;
  request: Id;
  publication: Id;
}
// [SUBSCRIBE, Request|id, Options|dict, Topic|uri]
export interface Subscribe {
  type: typeof MessageType.SUBSCRIBE;
  request: Id;
  options: SubscribeOptions;
  topic: string;
}
// [SUBSCRIBED, SUBSCRIBE.Request|id, Subscription|id]
export interface Subscribed {
  type: typeof MessageType.SUBSCRIBED;
  request: Id;
  subscription: Id;
}
// [UNSUBSCRIBE, Request|id, SUBSCRIBED.Subscription|id]
export interface Unsubscribe {
  type: typeof MessageType.UNSUBSCRIBE;
  request: Id;
  subscription: Id;
}
// [UNSUBSCRIBED, UNSUBSCRIBE.Request|id, Details|dict?]
export interface Unsubscribed {
  type: typeof MessageType.UNSUBSCRIBED;
  request: Id;
  details?: Dict;
}
// [EVENT, SUBSCRIBED.Subscription|id, PUBLISHED.Publication|id, Details|dict, Arguments|list?, ArgumentsKw|dict?]
export interface Event extends Payload {
  type: typeof MessageType.EVENT;
  subscription: Id;
  publication: Id;
  details: EventDetails;
}
// [CALL, Request|id, Options|dict, Procedure|uri, Arguments|list?, ArgumentsKw|dict?]
export interface Call extends Payload {
  type: typeof MessageType.CALL;
  request: Id;
  options: CallOptions;
  procedure: string;
}
// [CANCEL, CALL.Request|id, Options|dict]
export interface Cancel {
  type: typeof MessageType.CANCEL;
  request: Id;
  options: CancelOptions;
}
// [RESULT, CALL.Request|id, Details|dict, YIELD.Arguments|list?, YIELD.ArgumentsKw|dict?]
export interface Result extends Payload {
  type: typeof MessageType.RESULT;
  request: Id;
  details: ResultDetails;
}
// [REGISTER, Request|id, Options|dict, Procedure|uri]
export interface Register {
  type: typeof MessageType.REGISTER;
  request: Id;
  options: RegisterOptions;
  procedure: string;
}
// [REGISTERED, REGISTER.Request|id, Registration|id]
export interface Registered {
  type: typeof MessageType.REGISTERED;
  request: Id;
  registration: Id;
}
// [UNREGISTER, Request|id, REGISTERED.Registration|id]
export interface Unregister {
  type: typeof MessageType.UNREGISTER;
  request: Id;
  registration: Id;
}
// [UNREGISTERED, UNREGISTER.Request|id, Details|dict?]
export interface Unregistered {
  type: typeof MessageType.UNREGISTERED;
  request: Id;
  details?: Dict;
}
// [INVOCATION, Request|id, REGISTERED.Registration|id, Details|dict, CALL.Arguments|list?, CALL.ArgumentsKw|dict?]
export interface Invocation extends Payload {
  type: typeof MessageType.INVOCATION;
  request: Id;
  registration: Id;
  details: InvocationDetails;
}
// [INTERRUPT, INVOCATION.Request|id, Options|dict]
export interface Interrupt {
  type: typeof MessageType.INTERRUPT;
  request: Id;
  options: InterruptOptions;
}
// [YIELD, INVOCATION.Request|id, Options|dict, Arguments|list?, ArgumentsKw|dict?]
export interface Yield extends Payload {
  type: typeof MessageType.YIELD;
  request: Id;
  options: YieldOptions;
}

export type Message =
  | Hello
  | Welcome
  | Abort
  | Challenge
  | Authenticate
  | Goodbye
  | ErrorMessage
  | Publish
  | Published
  | Subscribe
  | Subscribed
  | Unsubscribe
  | Unsubscribed
  | Event
  | Call
  | Cancel
  | Result
  | Register
  | Registered
  | Unregister
  | Unregistered
  | Invocation
  | Interrupt
  | Yield;

/** The message object whose `type` is `T`. */
export type MessageOf<T extends MessageType> = Extract<Message, { type: T }>;

/** Message name by code, for error texts and logs. */
export const MESSAGE_NAMES: Readonly<Record<MessageType, string>> = Object.freeze(
  Object.fromEntries(Object.entries(MessageType).map(([name, code]) => [code, name])) as Record<
    MessageType,
    string
  >,
);

/** The name of a message code, or `UNKNOWN(<code>)`. */
export function messageName(code: unknown): string {
  const known = typeof code === 'number' ? MESSAGE_NAMES[code as MessageType] : undefined;
  if (known !== undefined) return known;
  // String() throws on objects without a prototype; a peer's string may be megabytes long.
  return `UNKNOWN(${typeof code === 'object' && code !== null ? 'object' : String(code).slice(0, 40)})`;
}
