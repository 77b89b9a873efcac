import { ProtocolError } from './errors';
import {
  MessageType,
  messageName,
  type Message,
  type MessageOf,
  type Payload,
  type WireMessage,
} from './messages';
import { Fields, hasKeys, isDict, toId } from './fields';
import {
  CALL_OPTIONS,
  CANCEL_OPTIONS,
  EVENT_DETAILS,
  HELLO_DETAILS,
  INTERRUPT_OPTIONS,
  INVOCATION_DETAILS,
  PUBLISH_OPTIONS,
  REGISTER_OPTIONS,
  RESULT_DETAILS,
  SUBSCRIBE_OPTIONS,
  WELCOME_DETAILS,
  YIELD_OPTIONS,
  type DictSchema,
  type FieldRule,
} from './options';

export { MAX_ID } from './fields';

/**
 * Validates an untrusted wire value and returns the typed message.
 *
 * A lenient reader: `null` for empty Arguments / ArgumentsKw is read as absent, a missing
 * WELCOME `roles` as `{}`, and ids may arrive as BigInt from binary serializers. Anything
 * else of the wrong shape throws `ProtocolError` naming the message and the field.
 *
 * The typed keys of Options and Details (messages.ts: `CallOptions.timeout`,
 * `PublishOptions.exclude`...) are checked too (options.ts): a present key holds a value of
 * its declared type, `null` included in "wrong". Unknown keys pass through unchecked.
 */
export function decode(raw: unknown): Message {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new ProtocolError('a WAMP message must be a non-empty array');
  }
  const code = raw[0];
  const decoder = typeof code === 'number' ? DECODERS[code] : undefined;
  if (decoder === undefined) {
    throw new ProtocolError(`unknown message type ${shown(code)}`, { messageName: messageName(code) });
  }
  return decoder(new Fields(raw, messageName(code)));
}

/**
 * The wire array of a message. Follows the spec's empty-arguments rule: Arguments is omitted
 * when it is empty and ArgumentsKw is empty; ArgumentsKw is sent only after Arguments.
 */
export function encode(message: Message): WireMessage {
  return ENCODERS[message.type](message as never);
}

/**
 * True when `message` is a typed RPC message (CALL, CANCEL, RESULT, INVOCATION, INTERRUPT,
 * YIELD, ERROR) that `decode(encode(message))` would give back as it is: the same checks as
 * the decoders, on the typed fields, without building the wire array. An in-process link
 * carries such messages as they are (transport/inprocess.ts); any other goes through the codec.
 */
export function decodable(message: Message): boolean {
  if (!RPC_MESSAGES.has(message.type)) return false;
  switch (message.type) {
    case MessageType.CALL:
      return (
        isId(message.request) &&
        decodableCall(message.options, message.procedure, message.args, message.kwargs)
      );
    case MessageType.RESULT:
      return isId(message.request) && conforms(message.details, RESULT_DETAILS) && isPayload(message);
    case MessageType.INVOCATION:
      return (
        isId(message.request) &&
        isId(message.registration) &&
        conforms(message.details, INVOCATION_DETAILS) &&
        isPayload(message)
      );
    case MessageType.YIELD:
      return isId(message.request) && conforms(message.options, YIELD_OPTIONS) && isPayload(message);
    case MessageType.ERROR:
      return (
        ERROR_REQUEST_TYPES.has(message.requestType) &&
        isId(message.request) &&
        isDict(message.details) &&
        typeof message.error === 'string' &&
        isPayload(message)
      );
    case MessageType.CANCEL:
      return isId(message.request) && conforms(message.options, CANCEL_OPTIONS);
    case MessageType.INTERRUPT:
      return isId(message.request) && conforms(message.options, INTERRUPT_OPTIONS);
    default:
      return false;
  }
}

/** `decodable` of a CALL with these fields and a valid request id, without the message. */
export function decodableCall(options: unknown, procedure: unknown, args: unknown, kwargs: unknown): boolean {
  return conforms(options, CALL_OPTIONS) && decodableCallOf(procedure, args, kwargs);
}

/** `decodableCall` for Options known to conform (empty ones): the procedure and the payload. */
export function decodableCallOf(procedure: unknown, args: unknown, kwargs: unknown): boolean {
  return (
    typeof procedure === 'string' &&
    (args === undefined || Array.isArray(args)) &&
    (kwargs === undefined || isDict(kwargs))
  );
}

/** The messages `decodable` may pass: what one RPC exchanges. */
export const RPC_MESSAGES: ReadonlySet<MessageType> = new Set([
  MessageType.CALL,
  MessageType.CANCEL,
  MessageType.RESULT,
  MessageType.INVOCATION,
  MessageType.INTERRUPT,
  MessageType.YIELD,
  MessageType.ERROR,
]);

function isId(value: unknown): boolean {
  return typeof value === 'number' && toId(value) !== undefined;
}

/** Each schema's rules as a list, made once: walking a list beats `for...in` on the hot path. */
const RULES = new WeakMap<DictSchema, ReadonlyArray<readonly [string, FieldRule]>>();

function conforms(dict: unknown, schema: DictSchema): boolean {
  if (!isDict(dict)) return false;
  if (!hasKeys(dict)) return true;
  let rules = RULES.get(schema);
  if (rules === undefined) RULES.set(schema, (rules = Object.entries(schema)));
  for (let i = 0; i < rules.length; i++) {
    const value = dict[rules[i][0]];
    if (value !== undefined && !rules[i][1].test(value)) return false;
  }
  return true;
}

function isPayload(payload: Payload): boolean {
  const { args, kwargs } = payload;
  return (args === undefined || Array.isArray(args)) && (kwargs === undefined || isDict(kwargs));
}

// ---------------------------------------------------------------------------------------
// Decoding

/** A wire value in an error text: short, and never throwing whatever the peer sent (BigInt...). */
function shown(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'a list' : 'a dictionary';
  return String(value);
}

/** REQUEST.Type values an ERROR may answer (spec: ERROR is a reply to these). */
const ERROR_REQUEST_TYPES: ReadonlySet<number> = new Set([
  MessageType.PUBLISH,
  MessageType.SUBSCRIBE,
  MessageType.UNSUBSCRIBE,
  MessageType.CALL,
  MessageType.REGISTER,
  MessageType.UNREGISTER,
  MessageType.INVOCATION,
]);

type Decoder = (f: Fields) => Message;

const DECODERS: Record<number, Decoder | undefined> = {
  // [HELLO, Realm|uri, Details|dict]
  [MessageType.HELLO]: (f) => {
    f.length(3);
    const realm = f.uri(1, 'Realm|uri');
    const details = f.dict(2, 'Details|dict', HELLO_DETAILS);
    if (!isDict(details.roles)) throw f.error('Details.roles must be a dictionary', 'Details.roles');
    return { type: MessageType.HELLO, realm, details: details as MessageOf<1>['details'] };
  },
  // [WELCOME, Session|id, Details|dict]
  [MessageType.WELCOME]: (f) => {
    f.length(3);
    const session = f.id(1, 'Session|id');
    const details = f.dict(2, 'Details|dict', WELCOME_DETAILS);
    const roles = isDict(details.roles) ? details.roles : {};
    return { type: MessageType.WELCOME, session, details: { ...details, roles } };
  },
  // [ABORT, Details|dict, Reason|uri, Arguments|list?, ArgumentsKw|dict?]
  [MessageType.ABORT]: (f) => {
    // The newer spec lets ABORT / GOODBYE carry Arguments|list?, ArgumentsKw|dict? too.
    f.length(3, 5);
    const message: MessageOf<typeof MessageType.ABORT> = {
      type: MessageType.ABORT,
      details: f.dict(1, 'Details|dict'),
      reason: f.uri(2, 'Reason|uri'),
    };
    f.payload(3, message);
    return message;
  },
  // [CHALLENGE, AuthMethod|string, Extra|dict]
  [MessageType.CHALLENGE]: (f) => {
    f.length(3);
    return {
      type: MessageType.CHALLENGE,
      authMethod: f.string(1, 'AuthMethod|string'),
      extra: f.dict(2, 'Extra|dict'),
    };
  },
  // [AUTHENTICATE, Signature|string, Extra|dict]
  [MessageType.AUTHENTICATE]: (f) => {
    f.length(3);
    return {
      type: MessageType.AUTHENTICATE,
      signature: f.string(1, 'Signature|string'),
      extra: f.dict(2, 'Extra|dict'),
    };
  },
  // [GOODBYE, Details|dict, Reason|uri, Arguments|list?, ArgumentsKw|dict?]
  [MessageType.GOODBYE]: (f) => {
    // The newer spec lets ABORT / GOODBYE carry Arguments|list?, ArgumentsKw|dict? too.
    f.length(3, 5);
    const message: MessageOf<typeof MessageType.GOODBYE> = {
      type: MessageType.GOODBYE,
      details: f.dict(1, 'Details|dict'),
      reason: f.uri(2, 'Reason|uri'),
    };
    f.payload(3, message);
    return message;
  },
  // [ERROR, REQUEST.Type|int, REQUEST.Request|id, Details|dict, Error|uri, Arguments|list?, ArgumentsKw|dict?]
  [MessageType.ERROR]: (f) => {
    f.length(5, 7);
    const requestType = f.integer(1, 'REQUEST.Type|int');
    if (!ERROR_REQUEST_TYPES.has(requestType)) {
      throw f.error(`REQUEST.Type ${requestType} is not a request that ERROR answers`, 'REQUEST.Type|int');
    }
    const message: MessageOf<8> = {
      type: MessageType.ERROR,
      requestType: requestType as MessageType,
      request: f.id(2, 'REQUEST.Request|id'),
      details: f.dict(3, 'Details|dict'),
      error: f.uri(4, 'Error|uri'),
    };
    f.payload(5, message);
    return message;
  },
  // [PUBLISH, Request|id, Options|dict, Topic|uri, Arguments|list?, ArgumentsKw|dict?]
  [MessageType.PUBLISH]: (f) => {
    f.length(4, 6);
    const message: MessageOf<16> = {
      type: MessageType.PUBLISH,
      request: f.id(1, 'Request|id'),
      options: f.dict(2, 'Options|dict', PUBLISH_OPTIONS),
      topic: f.uri(3, 'Topic|uri'),
    };
    f.payload(4, message);
    return message;
  },
  // [PUBLISHED, PUBLISH.Request|id, Publication|id]
  [MessageType.PUBLISHED]: (f) => {
    f.length(3);
    return {
      type: MessageType.PUBLISHED,
      request: f.id(1, 'PUBLISH.Request|id'),
      publication: f.id(2, 'Publication|id'),
    };
  },
  // [SUBSCRIBE, Request|id, Options|dict, Topic|uri]
  [MessageType.SUBSCRIBE]: (f) => {
    f.length(4);
    return {
      type: MessageType.SUBSCRIBE,
      request: f.id(1, 'Request|id'),
      options: f.dict(2, 'Options|dict', SUBSCRIBE_OPTIONS),
      topic: f.uri(3, 'Topic|uri'),
    };
  },
  // [SUBSCRIBED, SUBSCRIBE.Request|id, Subscription|id]
  [MessageType.SUBSCRIBED]: (f) => {
    f.length(3);
    return {
      type: MessageType.SUBSCRIBED,
      request: f.id(1, 'SUBSCRIBE.Request|id'),
      subscription: f.id(2, 'Subscription|id'),
    };
  },
  // [UNSUBSCRIBE, Request|id, SUBSCRIBED.Subscription|id]
  [MessageType.UNSUBSCRIBE]: (f) => {
    f.length(3);
    return {
      type: MessageType.UNSUBSCRIBE,
      request: f.id(1, 'Request|id'),
      subscription: f.id(2, 'SUBSCRIBED.Subscription|id'),
    };
  },
  // [UNSUBSCRIBED, UNSUBSCRIBE.Request|id, Details|dict?]; request 0 when the router revokes
  [MessageType.UNSUBSCRIBED]: (f) => {
    f.length(2, 3);
    return {
      type: MessageType.UNSUBSCRIBED,
      request: f.id(1, 'UNSUBSCRIBE.Request|id', true),
      details: f.optionalDict(2, 'Details|dict'),
    };
  },
  // [EVENT, SUBSCRIBED.Subscription|id, PUBLISHED.Publication|id, Details|dict, Arguments|list?, ArgumentsKw|dict?]
  [MessageType.EVENT]: (f) => {
    f.length(4, 6);
    const message: MessageOf<36> = {
      type: MessageType.EVENT,
      subscription: f.id(1, 'SUBSCRIBED.Subscription|id'),
      publication: f.id(2, 'PUBLISHED.Publication|id'),
      details: f.dict(3, 'Details|dict', EVENT_DETAILS),
    };
    f.payload(4, message);
    return message;
  },
  // [CALL, Request|id, Options|dict, Procedure|uri, Arguments|list?, ArgumentsKw|dict?]
  [MessageType.CALL]: (f) => {
    f.length(4, 6);
    const message: MessageOf<48> = {
      type: MessageType.CALL,
      request: f.id(1, 'Request|id'),
      options: f.dict(2, 'Options|dict', CALL_OPTIONS),
      procedure: f.uri(3, 'Procedure|uri'),
    };
    f.payload(4, message);
    return message;
  },
  // [CANCEL, CALL.Request|id, Options|dict]
  [MessageType.CANCEL]: (f) => {
    f.length(3);
    return {
      type: MessageType.CANCEL,
      request: f.id(1, 'CALL.Request|id'),
      options: f.dict(2, 'Options|dict', CANCEL_OPTIONS),
    };
  },
  // [RESULT, CALL.Request|id, Details|dict, YIELD.Arguments|list?, YIELD.ArgumentsKw|dict?]
  [MessageType.RESULT]: (f) => {
    f.length(3, 5);
    const message: MessageOf<50> = {
      type: MessageType.RESULT,
      request: f.id(1, 'CALL.Request|id'),
      details: f.dict(2, 'Details|dict', RESULT_DETAILS),
    };
    f.payload(3, message);
    return message;
  },
  // [REGISTER, Request|id, Options|dict, Procedure|uri]
  [MessageType.REGISTER]: (f) => {
    f.length(4);
    return {
      type: MessageType.REGISTER,
      request: f.id(1, 'Request|id'),
      options: f.dict(2, 'Options|dict', REGISTER_OPTIONS),
      procedure: f.uri(3, 'Procedure|uri'),
    };
  },
  // [REGISTERED, REGISTER.Request|id, Registration|id]
  [MessageType.REGISTERED]: (f) => {
    f.length(3);
    return {
      type: MessageType.REGISTERED,
      request: f.id(1, 'REGISTER.Request|id'),
      registration: f.id(2, 'Registration|id'),
    };
  },
  // [UNREGISTER, Request|id, REGISTERED.Registration|id]
  [MessageType.UNREGISTER]: (f) => {
    f.length(3);
    return {
      type: MessageType.UNREGISTER,
      request: f.id(1, 'Request|id'),
      registration: f.id(2, 'REGISTERED.Registration|id'),
    };
  },
  // [UNREGISTERED, UNREGISTER.Request|id, Details|dict?]; request 0 when the router revokes
  [MessageType.UNREGISTERED]: (f) => {
    f.length(2, 3);
    return {
      type: MessageType.UNREGISTERED,
      request: f.id(1, 'UNREGISTER.Request|id', true),
      details: f.optionalDict(2, 'Details|dict'),
    };
  },
  // [INVOCATION, Request|id, REGISTERED.Registration|id, Details|dict, CALL.Arguments|list?, CALL.ArgumentsKw|dict?]
  [MessageType.INVOCATION]: (f) => {
    f.length(4, 6);
    const message: MessageOf<68> = {
      type: MessageType.INVOCATION,
      request: f.id(1, 'Request|id'),
      registration: f.id(2, 'REGISTERED.Registration|id'),
      details: f.dict(3, 'Details|dict', INVOCATION_DETAILS),
    };
    f.payload(4, message);
    return message;
  },
  // [INTERRUPT, INVOCATION.Request|id, Options|dict]
  [MessageType.INTERRUPT]: (f) => {
    f.length(3);
    return {
      type: MessageType.INTERRUPT,
      request: f.id(1, 'INVOCATION.Request|id'),
      options: f.dict(2, 'Options|dict', INTERRUPT_OPTIONS),
    };
  },
  // [YIELD, INVOCATION.Request|id, Options|dict, Arguments|list?, ArgumentsKw|dict?]
  [MessageType.YIELD]: (f) => {
    f.length(3, 5);
    const message: MessageOf<70> = {
      type: MessageType.YIELD,
      request: f.id(1, 'INVOCATION.Request|id'),
      options: f.dict(2, 'Options|dict', YIELD_OPTIONS),
    };
    f.payload(3, message);
    return message;
  },
};

// ---------------------------------------------------------------------------------------
// Encoding

/** Appends Arguments / ArgumentsKw to `head` following the empty-arguments rule. */
function withPayload(head: WireMessage, payload: Payload): WireMessage {
  const { args, kwargs } = payload;
  if (kwargs !== undefined && hasKeys(kwargs)) {
    head.push(args ?? [], kwargs);
  } else if (args !== undefined && args.length > 0) {
    head.push(args);
  }
  return head;
}

type Encoders = { [T in MessageType]: (m: MessageOf<T>) => WireMessage };

const ENCODERS: Encoders = {
  [MessageType.HELLO]: (m) => [m.type, m.realm, m.details],
  [MessageType.WELCOME]: (m) => [m.type, m.session, m.details],
  [MessageType.ABORT]: (m) => withPayload([m.type, m.details, m.reason], m),
  [MessageType.CHALLENGE]: (m) => [m.type, m.authMethod, m.extra],
  [MessageType.AUTHENTICATE]: (m) => [m.type, m.signature, m.extra],
  [MessageType.GOODBYE]: (m) => withPayload([m.type, m.details, m.reason], m),
  [MessageType.ERROR]: (m) => withPayload([m.type, m.requestType, m.request, m.details, m.error], m),
  [MessageType.PUBLISH]: (m) => withPayload([m.type, m.request, m.options, m.topic], m),
  [MessageType.PUBLISHED]: (m) => [m.type, m.request, m.publication],
  [MessageType.SUBSCRIBE]: (m) => [m.type, m.request, m.options, m.topic],
  [MessageType.SUBSCRIBED]: (m) => [m.type, m.request, m.subscription],
  [MessageType.UNSUBSCRIBE]: (m) => [m.type, m.request, m.subscription],
  [MessageType.UNSUBSCRIBED]: (m) =>
    m.details === undefined ? [m.type, m.request] : [m.type, m.request, m.details],
  [MessageType.EVENT]: (m) => withPayload([m.type, m.subscription, m.publication, m.details], m),
  [MessageType.CALL]: (m) => withPayload([m.type, m.request, m.options, m.procedure], m),
  [MessageType.CANCEL]: (m) => [m.type, m.request, m.options],
  [MessageType.RESULT]: (m) => withPayload([m.type, m.request, m.details], m),
  [MessageType.REGISTER]: (m) => [m.type, m.request, m.options, m.procedure],
  [MessageType.REGISTERED]: (m) => [m.type, m.request, m.registration],
  [MessageType.UNREGISTER]: (m) => [m.type, m.request, m.registration],
  [MessageType.UNREGISTERED]: (m) =>
    m.details === undefined ? [m.type, m.request] : [m.type, m.request, m.details],
  [MessageType.INVOCATION]: (m) => withPayload([m.type, m.request, m.registration, m.details], m),
  [MessageType.INTERRUPT]: (m) => [m.type, m.request, m.options],
  [MessageType.YIELD]: (m) => withPayload([m.type, m.request, m.options], m),
};
