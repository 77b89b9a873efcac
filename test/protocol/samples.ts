import { MessageType, type Message, type MessageOf, type Payload } from '../../src/protocol';

/** One message of every type, with ids at both ends of the range. No payload yet. */
export const SAMPLES: readonly Message[] = [
  {
    type: MessageType.HELLO,
    realm: 'realm1',
    details: {
      roles: { caller: { features: { progressive_call_results: true } }, subscriber: {} },
      authmethods: ['wampcra', 'ticket'],
      authid: 'ada',
      agent: 'wservice',
    },
  },
  {
    type: MessageType.WELCOME,
    session: 2 ** 53,
    details: { roles: { dealer: {}, broker: {} }, authid: 'ada', authrole: 'user', authmethod: 'wampcra' },
  },
  { type: MessageType.ABORT, details: { message: 'no such realm' }, reason: 'wamp.error.no_such_realm' },
  {
    type: MessageType.CHALLENGE,
    authMethod: 'wampcra',
    extra: { challenge: '{"nonce":"x"}', iterations: 1000 },
  },
  { type: MessageType.AUTHENTICATE, signature: 'gir1mSx+deCDUV7fgLvsQNTi6n3W/Z/WcZ/OT9RwdZY=', extra: {} },
  { type: MessageType.GOODBYE, details: {}, reason: 'wamp.close.goodbye_and_out' },
  {
    type: MessageType.ERROR,
    requestType: MessageType.CALL,
    request: 1,
    details: {},
    error: 'com.myapp.error.out_of_stock',
  },
  {
    type: MessageType.PUBLISH,
    request: 1,
    options: { acknowledge: true, exclude: [2 ** 53] },
    topic: 'com.x.t',
  },
  { type: MessageType.PUBLISHED, request: 2 ** 53, publication: 1 },
  { type: MessageType.SUBSCRIBE, request: 7, options: { match: 'wildcard' }, topic: 'com..t' },
  { type: MessageType.SUBSCRIBED, request: 7, subscription: 2 ** 53 },
  { type: MessageType.UNSUBSCRIBE, request: 8, subscription: 2 ** 53 },
  { type: MessageType.UNSUBSCRIBED, request: 8 },
  {
    type: MessageType.EVENT,
    subscription: 2 ** 53,
    publication: 2 ** 53 - 1,
    details: { publisher: 2 ** 40, topic: 'com.x.t' },
  },
  {
    type: MessageType.CALL,
    request: 1,
    options: { timeout: 1000, receive_progress: true },
    procedure: 'com.x.p',
  },
  { type: MessageType.CANCEL, request: 1, options: { mode: 'killnowait' } },
  { type: MessageType.RESULT, request: 1, details: { progress: true } },
  {
    type: MessageType.REGISTER,
    request: 2,
    options: { match: 'prefix', invoke: 'roundrobin' },
    procedure: 'com.x',
  },
  { type: MessageType.REGISTERED, request: 2, registration: 2 ** 53 },
  { type: MessageType.UNREGISTER, request: 3, registration: 2 ** 53 },
  {
    type: MessageType.UNREGISTERED,
    request: 0,
    details: { registration: 2 ** 53, reason: 'wamp.error.killed' },
  },
  {
    type: MessageType.INVOCATION,
    request: 2 ** 53,
    registration: 1,
    details: { caller: 2 ** 53, caller_authid: 'ada', procedure: 'com.x.p' },
  },
  { type: MessageType.INTERRUPT, request: 2 ** 53, options: { mode: 'kill', reason: 'wamp.error.canceled' } },
  { type: MessageType.YIELD, request: 2 ** 53, options: { progress: false } },
];

/** The sample of one type. */
export function sampleOf<T extends MessageType>(type: T): MessageOf<T> {
  const sample = SAMPLES.find((m): m is MessageOf<T> => m.type === type);
  if (sample === undefined) throw new Error(`no sample of type ${type}`);
  return sample;
}

/** Message types that may carry Arguments / ArgumentsKw. */
export const PAYLOAD_TYPES: ReadonlySet<MessageType> = new Set([
  MessageType.ERROR,
  MessageType.PUBLISH,
  MessageType.EVENT,
  MessageType.CALL,
  MessageType.RESULT,
  MessageType.INVOCATION,
  MessageType.YIELD,
]);

/** A payload that exercises every kind of value the serializers must carry exactly. */
export const RICH_PAYLOAD: Required<Payload> = {
  args: [
    1,
    2 ** 53,
    -(2 ** 53),
    2 ** 32,
    2 ** 40 + 7,
    -(2 ** 31) - 1,
    -5,
    0,
    3.25,
    -1e-7,
    1e300,
    'héllo wörld ✓ 𝄞 日本',
    '',
    null,
    true,
    false,
    Buffer.from([0, 1, 2, 254, 255]),
    [1, [2, [3, null]]],
    { nested: { deeper: { list: [1, 'two'] } } },
  ],
  kwargs: {
    blob: Buffer.from('binary in kwargs'),
    nested: { bin: Buffer.alloc(0), big: 2 ** 52 + 1, neg: -(2 ** 45), list: [Buffer.from([9])] },
    'ключ ✓': 'unicode key',
    empty: {},
    nothing: null,
  },
};
