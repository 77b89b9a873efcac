import fc from 'fast-check';
import { decode, MessageType as M, serializerByName, type Frame } from '../../../src/protocol';
import { ALL_CLIENT_ROLES } from './peer';
import type { SerializerKind } from './socket-link';

/**
 * fast-check arbitraries for what a hostile or broken client sends a router: bytes and text
 * that are no message, messages of the right code and the wrong shape, and well-formed
 * messages in any order and state, with option dictionaries mixing the keys the router reads
 * (with right and wrong values) and keys it has never heard of.
 */

/** URIs a script uses: the reference sessions' own, patterns, meta procedures, bad ones. */
const uri = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom('ref.echo', 'ref.slow', 'ref.news', 'com.example.a', 'com.example.b'),
  },
  { weight: 2, arbitrary: fc.constantFrom('com.example.', 'com..a', 'ref.', '', 'bad uri', 'wamp.x') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'wamp.session.count',
      'wamp.session.get',
      'wamp.session.list',
      'wamp.session.kill_all',
      'wamp.registration.lookup',
      'wamp.registration.list_callees',
      'wamp.subscription.match',
      'wamp.subscription.get',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

/** Ids: small ones that hit requests in flight, and out-of-range or non-integer ones. */
const id = fc.oneof(
  { weight: 20, arbitrary: fc.integer({ min: 1, max: 6 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 ** 53 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 2 ** 53 + 2, 1.5, '1', null) },
);

/** Keys the router reads in some Options or Details, and custom attributes. */
const OPTION_KEYS = [
  'acknowledge',
  'exclude_me',
  'exclude',
  'eligible',
  'exclude_authid',
  'eligible_authrole',
  'disclose_me',
  'match',
  'invoke',
  'disclose_caller',
  'forward_timeout',
  'timeout',
  'receive_progress',
  'progress',
  'mode',
  'reason',
  'x_correlation_id',
  '_trace_id',
];

const optionValue = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(
      true,
      false,
      0,
      1,
      25,
      2 ** 40,
      'prefix',
      'wildcard',
      'exact',
      'roundrobin',
      'kill',
      'skip',
      'killnowait',
      [],
      [1, 2],
      ['anonymous'],
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

/** Options the router reads, each of the type the spec gives it (some unknown to a message). */
const typedOptions = fc.record(
  {
    acknowledge: fc.boolean(),
    exclude_me: fc.boolean(),
    exclude: fc.array(fc.integer({ min: 1, max: 2 ** 53 }), { maxLength: 2 }),
    eligible_authrole: fc.constantFrom(['guest'], ['reference'], []),
    disclose_me: fc.boolean(),
    match: fc.constantFrom('exact', 'prefix', 'wildcard'),
    invoke: fc.constantFrom('single', 'roundrobin', 'random', 'first', 'last'),
    timeout: fc.constantFrom(0, 5, 30, 2 ** 40),
    receive_progress: fc.boolean(),
    progress: fc.boolean(),
    mode: fc.constantFrom('skip', 'kill', 'killnowait'),
    x_correlation_id: fc.string({ maxLength: 8 }),
  },
  { requiredKeys: [] },
);

/** An Options / Details dictionary: mostly sound, sometimes of wrong types or no dictionary at all. */
export const options = fc.oneof(
  { weight: 6, arbitrary: fc.constant({}) },
  { weight: 8, arbitrary: typedOptions },
  { weight: 2, arbitrary: fc.dictionary(fc.constantFrom(...OPTION_KEYS), optionValue, { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 })) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, [], 'opts', 7) },
);

const payload = fc.oneof(
  fc.constant([] as unknown[]),
  fc.tuple(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 })),
  fc.tuple(
    fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 }),
    fc.dictionary(fc.string(), fc.jsonValue()),
  ),
);

const helloDetails = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ roles: ALL_CLIENT_ROLES }) },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        roles: fc.constantFrom<unknown>(ALL_CLIENT_ROLES, {}, { caller: 1 }, []),
        authmethods: fc.constantFrom<unknown>(
          ['ticket'],
          ['anonymous'],
          ['wampcra', 'ticket'],
          [1],
          'ticket',
        ),
        authid: fc.constantFrom<unknown>('alice', 'ref', 'nobody', 7),
        authextra: fc.constantFrom<unknown>({}, { pubkey: 'ab' }, 'x'),
      },
      { requiredKeys: ['roles'] },
    ),
  },
  { weight: 1, arbitrary: options },
);

/** The handshake and the session's end: HELLO, AUTHENTICATE, ABORT, GOODBYE. */
const sessionMessage: fc.Arbitrary<unknown[]> = fc.oneof(
  fc.tuple(fc.constant(M.HELLO), fc.constantFrom('realm1', 'realm1', 'nope', 'bad realm'), helloDetails),
  fc.tuple(fc.constant(M.AUTHENTICATE), fc.constantFrom('s3cret', 'wrong', ''), fc.constant({})),
  fc.tuple(fc.constant(M.ABORT), fc.constant({}), fc.constantFrom('wamp.close.normal', 'x')),
  fc.tuple(
    fc.constant(M.GOODBYE),
    fc.constant({}),
    fc.constantFrom('wamp.close.normal', 'wamp.close.goodbye_and_out'),
  ),
);

/** What an established client sends: requests and its answers to invocations. */
const requestMessage: fc.Arbitrary<unknown[]> = fc.oneof(
  fc
    .tuple(
      fc.constant(M.ERROR),
      fc.constantFrom(M.INVOCATION, M.INVOCATION, M.CALL),
      id,
      options,
      uri,
      payload,
    )
    .map(([code, type, request, details, error, rest]) => [code, type, request, details, error, ...rest]),
  fc
    .tuple(fc.constant(M.PUBLISH), id, options, uri, payload)
    .map(([code, request, opts, topic, rest]) => [code, request, opts, topic, ...rest]),
  fc.tuple(fc.constant(M.SUBSCRIBE), id, options, uri),
  fc.tuple(fc.constant(M.UNSUBSCRIBE), id, id),
  fc
    .tuple(fc.constant(M.CALL), id, options, uri, payload)
    .map(([code, request, opts, procedure, rest]) => [code, request, opts, procedure, ...rest]),
  fc.tuple(fc.constant(M.CANCEL), id, options),
  fc.tuple(fc.constant(M.REGISTER), id, options, uri),
  fc.tuple(fc.constant(M.UNREGISTER), id, id),
  fc
    .tuple(fc.constant(M.YIELD), id, options, payload)
    .map(([code, request, opts, rest]) => [code, request, opts, ...rest]),
);

/** A callee's answers and a caller's CANCEL for the prelude's self-call (INVOCATION 1, CALL 2). */
const answerMessage: fc.Arbitrary<unknown[]> = fc.oneof(
  fc
    .tuple(
      fc.constant(M.YIELD),
      fc.constantFrom(1, 1, 2),
      fc.oneof(typedOptions, fc.constant({ progress: true })),
      payload,
    )
    .map(([code, request, opts, rest]) => [code, request, opts, ...rest]),
  fc
    .tuple(fc.constant(M.ERROR), fc.constant(M.INVOCATION), fc.constantFrom(1, 2), options, uri, payload)
    .map(([code, type, request, details, error, rest]) => [code, type, request, details, error, ...rest]),
  fc.tuple(fc.constant(M.CANCEL), fc.constantFrom(2, 3), fc.oneof(typedOptions, fc.constant({}))),
);

/** Messages only a router sends, which a client must never send. */
export const routerMessage: fc.Arbitrary<unknown[]> = fc.oneof(
  fc.tuple(fc.constant(M.WELCOME), id, fc.constant({ roles: { broker: {} } })),
  fc.tuple(fc.constant(M.CHALLENGE), fc.constant('ticket'), fc.constant({})),
  fc.tuple(fc.constant(M.PUBLISHED), id, id),
  fc.tuple(fc.constant(M.SUBSCRIBED), id, id),
  fc.tuple(fc.constant(M.UNSUBSCRIBED), id),
  fc
    .tuple(fc.constant(M.EVENT), id, id, options, payload)
    .map(([code, subscription, publication, details, rest]) => [
      code,
      subscription,
      publication,
      details,
      ...rest,
    ]),
  fc
    .tuple(fc.constant(M.RESULT), id, options, payload)
    .map(([code, request, details, rest]) => [code, request, details, ...rest]),
  fc.tuple(fc.constant(M.REGISTERED), id, id),
  fc.tuple(fc.constant(M.UNREGISTERED), id),
  fc
    .tuple(fc.constant(M.INVOCATION), id, id, options, payload)
    .map(([code, request, registration, details, rest]) => [code, request, registration, details, ...rest]),
  fc.tuple(fc.constant(M.INTERRUPT), id, options),
);

/**
 * How a script starts, so that random messages find state to act on: nothing (not even
 * HELLO), a joined session, one that called a procedure it registered itself (INVOCATION 1
 * waits for its YIELD, ERROR or CANCEL), or one with exact and prefix subscriptions.
 */
export const prelude: fc.Arbitrary<unknown[][]> = fc.constantFrom(
  [],
  [[M.HELLO, 'realm1', { roles: ALL_CLIENT_ROLES }]],
  [
    [M.HELLO, 'realm1', { roles: ALL_CLIENT_ROLES }],
    [M.REGISTER, 1, {}, 'com.example.a'],
    [M.CALL, 2, { receive_progress: true }, 'com.example.a', ['self']],
  ],
  [
    [M.HELLO, 'realm1', { roles: ALL_CLIENT_ROLES }],
    [M.SUBSCRIBE, 1, {}, 'com.example.a'],
    [M.SUBSCRIBE, 2, { match: 'prefix' }, 'com.example.'],
  ],
);

/** A known or unknown code followed by anything: mostly the wrong shape. */
export const misshapenMessage: fc.Arbitrary<unknown[]> = fc
  .tuple(
    fc.oneof(fc.constantFrom(...Object.values(M)), fc.integer({ min: -1, max: 300 })),
    fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 7 }),
  )
  .map(([code, rest]) => [code, ...rest]);

/**
 * What a scripted client sends: mostly requests an established session may make (so scripts
 * get deep into the dealer and broker before anything ends them), and now and then a
 * handshake message out of place, a message only routers send, or one of the wrong shape.
 */
export const scriptMessage = fc.oneof(
  { weight: 12, arbitrary: requestMessage },
  { weight: 4, arbitrary: answerMessage },
  { weight: 2, arbitrary: sessionMessage },
  { weight: 1, arbitrary: routerMessage },
  { weight: 1, arbitrary: misshapenMessage },
);

/** A frame that is no message: bytes or text. */
export type Garbage = { kind: 'binary'; bytes: Uint8Array } | { kind: 'text'; text: string };

export const garbage: fc.Arbitrary<Garbage> = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 48 }).map((bytes) => ({ kind: 'binary' as const, bytes })),
  fc.string({ unit: 'binary', maxLength: 48 }).map((text) => ({ kind: 'text' as const, text })),
  fc.json({ maxDepth: 2 }).map((text) => ({ kind: 'text' as const, text })),
);

/**
 * True when the router would read `garbage`, sent on a link of `serializer` over `transport`,
 * as a valid message after all (random bytes can, rarely): such a frame is no garbage.
 */
export function readsAsMessage(g: Garbage, serializer: SerializerKind, transport: string): boolean {
  // A WebSocket delivers text frames as text; RawSocket carries only bytes.
  const frame: Frame =
    g.kind === 'binary' ? g.bytes : transport === 'websocket' ? g.text : Buffer.from(g.text, 'utf8');
  try {
    decode(serializerByName(serializer)!.deserialize(frame));
    return true;
  } catch {
    return false;
  }
}
