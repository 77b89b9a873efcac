import { isReservedUri, isValidUri, uriMatches, wildcardMatches } from '../../src/protocol';

describe('isValidUri', () => {
  it.each(['com.myapp.topic', 'a', 'com.my-app.Topic1', 'Ünïcode.ök', 'a.b_c.d$e'])(
    'loose accepts %j',
    (uri) => {
      expect(isValidUri(uri)).toBe(true);
      expect(isValidUri(uri, 'prefix')).toBe(true);
    },
  );

  it.each(['', 'a..b', '.a', 'a.', 'a b', 'a.#', 'a\tb', 'a.b\n', '#'])('loose rejects %j', (uri) => {
    expect(isValidUri(uri)).toBe(false);
  });

  it('prefix patterns may end with a dot, and only there', () => {
    for (const uri of ['com.myapp.', 'a.', 'com.myapp']) expect(isValidUri(uri, 'prefix')).toBe(true);
    for (const uri of ['', '.', 'a..b.', '.a', 'a b.']) expect(isValidUri(uri, 'prefix')).toBe(false);
    expect(isValidUri('com.myapp.', 'prefix', 'strict')).toBe(true);
    expect(isValidUri('com.MyApp.', 'prefix', 'strict')).toBe(false);
    expect(isValidUri('com.myapp.')).toBe(false);
  });

  it('strict accepts lowercase letters, digits and underscore only', () => {
    expect(isValidUri('com.myapp_2.topic', 'exact', 'strict')).toBe(true);
    expect(isValidUri('com.MyApp.topic', 'exact', 'strict')).toBe(false);
    expect(isValidUri('com.my-app', 'exact', 'strict')).toBe(false);
    expect(isValidUri('com..topic', 'exact', 'strict')).toBe(false);
  });

  it('wildcard patterns may have empty components, loose and strict', () => {
    for (const uri of ['com..create', '.a.b', 'a.b.', '..', '']) {
      expect(isValidUri(uri, 'wildcard')).toBe(true);
    }
    expect(isValidUri('com..create', 'wildcard', 'strict')).toBe(true);
    expect(isValidUri('com..Create', 'wildcard', 'strict')).toBe(false);
    expect(isValidUri('com. .create', 'wildcard')).toBe(false);
    expect(isValidUri('com.#.create', 'wildcard')).toBe(false);
  });
});

describe('isReservedUri', () => {
  it('reserves the wamp. namespace only', () => {
    expect(isReservedUri('wamp.session.count')).toBe(true);
    expect(isReservedUri('wamp.error.canceled')).toBe(true);
    expect(isReservedUri('wampy.x')).toBe(false);
    expect(isReservedUri('com.wamp.x')).toBe(false);
    expect(isReservedUri('wamp')).toBe(false);
  });
});

describe('uriMatches', () => {
  // [pattern, concrete URI, policy, matches]
  it.each([
    ['com.a.b', 'com.a.b', 'exact', true],
    ['com.a', 'com.a.b', 'exact', false],
    // prefix: a plain string prefix, as Crossbar.io matches
    ['com.myapp.topic.emergency', 'com.myapp.topic.emergency.11', 'prefix', true],
    ['com.myapp.topic.emergency', 'com.myapp.topic.emergency-low', 'prefix', true],
    ['com.myapp.topic.emergency', 'com.myapp.topic.emergency', 'prefix', true],
    ['com.myapp.topic.emergency', 'com.myapp.topic.emerge', 'prefix', false],
    ['com.myapp.topic.emergency', 'org.myapp.topic.emergency.1', 'prefix', false],
    // wildcard: an empty component matches exactly one component
    ['com.myapp..userevent', 'com.myapp.foo.userevent', 'wildcard', true],
    ['com.myapp..userevent', 'com.myapp.bar.userevent', 'wildcard', true],
    ['com.myapp..userevent', 'com.myapp.a.b.userevent', 'wildcard', false],
    ['com.myapp..userevent', 'com.myapp.foo.userevent.bar', 'wildcard', false],
    ['com.myapp..userevent', 'com.myapp2.foo.userevent', 'wildcard', false],
    ['..', 'a.b.c', 'wildcard', true],
    ['..', 'a.b', 'wildcard', false],
  ] as const)('%j against %j (%s) is %s', (pattern, uri, match, expected) => {
    expect(uriMatches(pattern, uri, match)).toBe(expected);
  });

  it('wildcardMatches works on pre-split patterns', () => {
    expect(wildcardMatches(['com', '', 'create'], 'com.users.create')).toBe(true);
    expect(wildcardMatches(['com', '', 'create'], 'com.users.delete')).toBe(false);
  });
});
