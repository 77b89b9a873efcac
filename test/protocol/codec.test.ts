import { decode, encode, MessageType, messageName, ProtocolError } from '../../src/protocol';

/** The ProtocolError decode throws for `raw`; fails the test when decode succeeds. */
function violation(raw: unknown): ProtocolError {
  try {
    decode(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    return err as ProtocolError;
  }
  throw new Error(`decode accepted ${JSON.stringify(raw)}`);
}

describe('codec', () => {
  it('omits empty Arguments and ArgumentsKw', () => {
    expect(
      encode({ type: MessageType.CALL, request: 1, options: {}, procedure: 'a.b', args: [], kwargs: {} }),
    ).toEqual([48, 1, {}, 'a.b']);
  });

  it('sends Arguments [] before a non-empty ArgumentsKw', () => {
    expect(
      encode({ type: MessageType.CALL, request: 1, options: {}, procedure: 'a.b', kwargs: { x: 1 } }),
    ).toEqual([48, 1, {}, 'a.b', [], { x: 1 }]);
  });

  it('sends non-empty Arguments alone when ArgumentsKw is empty', () => {
    expect(encode({ type: MessageType.YIELD, request: 3, options: {}, args: [1], kwargs: {} })).toEqual([
      70,
      3,
      {},
      [1],
    ]);
  });

  it('reads null payloads as absent (lenient reader)', () => {
    expect(decode([50, 7, {}, null, null])).toEqual({ type: MessageType.RESULT, request: 7, details: {} });
  });

  it('names the message and the field of a bad id', () => {
    const err = violation([48, 0, {}, 'a.b']);
    expect(err.message).toBe('invalid CALL: Request|id must be an integer id in 1..2^53');
    expect(err.messageName).toBe('CALL');
    expect(err.field).toBe('Request|id');
    expect(err.uri).toBe('wamp.error.protocol_violation');
  });

  it('accepts ids from 1 to 2^53, as Number or BigInt, and nothing outside', () => {
    expect(decode([17, 1, 2 ** 53])).toEqual({
      type: MessageType.PUBLISHED,
      request: 1,
      publication: 2 ** 53,
    });
    expect(decode([17, 1n, 2n ** 53n])).toEqual({
      type: MessageType.PUBLISHED,
      request: 1,
      publication: 2 ** 53,
    });
    for (const bad of [0, -1, 2 ** 53 + 2, 1.5, '1', 2n ** 53n + 1n, null, NaN]) {
      expect(violation([17, 1, bad]).field).toBe('Publication|id');
    }
  });

  it('accepts request 0 only in router-initiated UNSUBSCRIBED / UNREGISTERED', () => {
    expect(decode([35, 0, { subscription: 5, reason: 'wamp.subscription.revoked' }])).toEqual({
      type: MessageType.UNSUBSCRIBED,
      request: 0,
      details: { subscription: 5, reason: 'wamp.subscription.revoked' },
    });
    expect(decode([67, 0, { registration: 5 }])).toMatchObject({
      type: MessageType.UNREGISTERED,
      request: 0,
    });
    expect(violation([34, 0, 5]).messageName).toBe('UNSUBSCRIBE');
  });

  it('rejects unknown codes, also codes that are not small numbers', () => {
    expect(() => decode([99])).toThrow('unknown message type 99');
    expect(violation([2n ** 60n]).message).toBe(`unknown message type ${2n ** 60n}`);
    expect(violation(['HELLO']).message).toBe('unknown message type "HELLO"');
    expect(violation([Object.create(null)]).messageName).toBe('UNKNOWN(object)');
    expect(violation([[1]]).message).toBe('unknown message type a list');
    expect(violation(['x'.repeat(10_000)]).message.length).toBeLessThan(100);
  });

  it('rejects what is not a non-empty array', () => {
    for (const raw of [[], {}, 'x', null, undefined, 5]) {
      expect(violation(raw).message).toBe('a WAMP message must be a non-empty array');
    }
  });

  it('checks the number of elements', () => {
    expect(violation([48, 1, {}]).message).toBe('invalid CALL: expected 4 to 6 elements, got 3');
    expect(violation([48, 1, {}, 'a', [], {}, 1]).message).toBe(
      'invalid CALL: expected 4 to 6 elements, got 7',
    );
    expect(violation([1, 'realm1', { roles: {} }, 'extra']).message).toBe(
      'invalid HELLO: expected 3 elements, got 4',
    );
  });

  it('accepts ERROR only for the requests that ERROR answers', () => {
    for (const type of [16, 32, 34, 48, 64, 66, 68]) {
      expect(decode([8, type, 1, {}, 'x.y'])).toMatchObject({ type: MessageType.ERROR, requestType: type });
    }
    for (const type of [1, 8, 49, 70, 1.5])
      expect(violation([8, type, 1, {}, 'x.y']).messageName).toBe('ERROR');
  });

  it('requires HELLO Details.roles, and fills a missing WELCOME roles with {}', () => {
    expect(violation([1, 'realm1', {}]).field).toBe('Details.roles');
    expect(decode([2, 5, { authid: 'a' }])).toEqual({
      type: MessageType.WELCOME,
      session: 5,
      details: { authid: 'a', roles: {} },
    });
  });

  it('rejects payloads of the wrong type, naming the field', () => {
    expect(violation([48, 1, {}, 'a', 'args']).field).toBe('Arguments|list');
    expect(violation([48, 1, {}, 'a', [], [1]]).field).toBe('ArgumentsKw|dict');
    expect(violation([36, 1, 2, {}, { a: 1 }]).message).toBe('invalid EVENT: Arguments must be a list');
  });

  it('takes class instances and Maps for dictionaries as violations', () => {
    class Options {}
    expect(violation([48, 1, new Options(), 'a']).field).toBe('Options|dict');
    expect(violation([48, 1, new Map(), 'a']).field).toBe('Options|dict');
    expect(decode([48, 1, Object.create(null) as object, 'a'])).toMatchObject({ procedure: 'a' });
  });
});

describe('typed Options and Details (messages.ts types, checked on decode)', () => {
  // Each row: a wire message with one typed key of the wrong type, and the key named in the error.
  it.each([
    [[16, 1, { acknowledge: 'yes' }, 't'], 'Options.acknowledge'],
    [[16, 1, { acknowledge: 1 }, 't'], 'Options.acknowledge'],
    [[16, 1, { exclude_me: null }, 't'], 'Options.exclude_me'],
    [[16, 1, { exclude: 'x' }, 't'], 'Options.exclude'],
    [[16, 1, { exclude: ['x'] }, 't'], 'Options.exclude'],
    [[16, 1, { eligible: [0] }, 't'], 'Options.eligible'],
    [[16, 1, { exclude_authid: [1] }, 't'], 'Options.exclude_authid'],
    [[16, 1, { eligible_authrole: 'r' }, 't'], 'Options.eligible_authrole'],
    [[32, 1, { match: 'regex' }, 't'], 'Options.match'],
    [[32, 1, { match: 1 }, 't'], 'Options.match'],
    [[64, 1, { invoke: 'fastest' }, 'p'], 'Options.invoke'],
    [[64, 1, { disclose_caller: 'true' }, 'p'], 'Options.disclose_caller'],
    [[48, 1, { timeout: -1 }, 'p'], 'Options.timeout'],
    [[48, 1, { timeout: '10' }, 'p'], 'Options.timeout'],
    [[48, 1, { receive_progress: 1 }, 'p'], 'Options.receive_progress'],
    [[49, 1, { mode: 'abort' }], 'Options.mode'],
    [[69, 1, { mode: 'skip', reason: 5 }], 'Options.reason'],
    [[50, 1, { progress: 'yes' }], 'Details.progress'],
    [[70, 1, { progress: 0 }], 'Options.progress'],
    [[68, 1, 2, { caller: 'me' }], 'Details.caller'],
    [[68, 1, 2, { procedure: 5 }], 'Details.procedure'],
    [[36, 1, 2, { publisher: 'hello' }], 'Details.publisher'],
    [[36, 1, 2, { publisher_authid: 123 }], 'Details.publisher_authid'],
    [[36, 1, 2, { publisher_authrole: 123 }], 'Details.publisher_authrole'],
    [[36, 1, 2, { topic: 123 }], 'Details.topic'],
    [[1, 'realm1', { roles: { caller: true } }], 'Details.roles'],
    [[1, 'realm1', { roles: { caller: { features: [] } } }], 'Details.roles'],
    [[1, 'realm1', { roles: {}, authmethods: 'ticket' }], 'Details.authmethods'],
    [[1, 'realm1', { roles: {}, authextra: [] }], 'Details.authextra'],
    [[2, 1, { roles: {}, authid: 5 }], 'Details.authid'],
    [[2, 1, { roles: 'all' }], 'Details.roles'],
  ])('%j is a violation naming %s', (raw, field) => {
    const err = violation(raw);
    expect(err.field).toBe(field);
    expect(err.message).toContain(field);
  });

  it('accepts well-typed keys and passes unknown keys through unchecked', () => {
    const publish = [
      16,
      1,
      { acknowledge: true, exclude: [1, 2 ** 53], eligible_authid: ['a'], x_custom: 'y' },
      't',
    ];
    expect(decode(publish)).toMatchObject({ options: publish[2] });
    expect(decode([48, 1, { timeout: 1500, receive_progress: true, rkey: 5 }, 'p'])).toMatchObject({
      options: { timeout: 1500, receive_progress: true, rkey: 5 },
    });
    expect(decode([64, 1, { match: 'wildcard', invoke: 'roundrobin' }, 'a..b'])).toMatchObject({
      options: { match: 'wildcard', invoke: 'roundrobin' },
    });
    expect(
      decode([
        1,
        'realm1',
        { roles: { caller: { features: { call_canceling: true } }, x: 1 }, authmethods: [] },
      ]),
    ).toMatchObject({ realm: 'realm1' });
  });
});

describe('messageName', () => {
  it('names known codes and describes anything else without throwing', () => {
    expect(messageName(48)).toBe('CALL');
    expect(messageName(7)).toBe('UNKNOWN(7)');
    expect(messageName(Object.create(null))).toBe('UNKNOWN(object)');
    expect(messageName(10n)).toBe('UNKNOWN(10)');
    expect(messageName('y'.repeat(1000))).toBe(`UNKNOWN(${'y'.repeat(40)})`);
  });
});

describe('ABORT and GOODBYE with a payload (newer spec)', () => {
  it('reads and writes Arguments and ArgumentsKw, and still omits them when empty', () => {
    expect(decode([3, { message: 'bye' }, 'wamp.close.system_shutdown', ['soon'], { in: 5 }])).toEqual({
      type: MessageType.ABORT,
      details: { message: 'bye' },
      reason: 'wamp.close.system_shutdown',
      args: ['soon'],
      kwargs: { in: 5 },
    });
    expect(
      encode({ type: MessageType.GOODBYE, details: {}, reason: 'wamp.close.normal', args: ['x'] }),
    ).toEqual([6, {}, 'wamp.close.normal', ['x']]);
    expect(encode({ type: MessageType.GOODBYE, details: {}, reason: 'wamp.close.normal' })).toEqual([
      6,
      {},
      'wamp.close.normal',
    ]);
    expect(() => decode([6, {}, 'wamp.close.normal', 'not a list'])).toThrow(
      'invalid GOODBYE: Arguments must be a list',
    );
  });
});
